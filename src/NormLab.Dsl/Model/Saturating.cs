using System;

namespace NormLab.Dsl.Model;

/// <summary>
/// Counts (elements, parameters, multiply-accumulates) that stop at <see cref="long.MaxValue"/> instead of
/// wrapping around or throwing: an absurd network (conv3x3(2147483647) on 2147483647 channels) must still
/// check, report its huge layers (NL2008) and sum up without an OverflowException.
/// </summary>
internal static class Saturating
{
    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);

        // the sum overflowed when a and b have the same sign and the sum has the other one
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    public static long Multiply(long a, long b)
    {
        var estimate = (double)a * b;
        if (Math.Abs(estimate) < 9.0e18)
        {
            return a * b; // far from long's range: exact
        }

        try
        {
            return checked(a * b);
        }
        catch (OverflowException)
        {
            return estimate > 0 ? long.MaxValue : long.MinValue;
        }
    }
}
