using System;
using System.Collections.Generic;
using System.Diagnostics;
using NormLab.Runtime.Data;

namespace OrderingStudy;

/// <summary>
/// <c>dotnet run -c Release --project examples/OrderingStudy [-- --epochs N --seeds N --networks A,B --threads N --out DIR --full]</c>:
/// trains the ordering study's networks (generated from ordering.normlab and one attributed record) on the embedded
/// MNIST sample and prints a table. Ctrl+C stops after the step in progress and prints what finished.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        StudyOptions options;
        try
        {
            options = StudyOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(StudyOptions.Usage);
            return 0;
        }

        var plan = StudyPlan.From(options);
        using var data = DataSets.MnistSample();
        using var cancel = new System.Threading.CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cancel.IsCancellationRequested;    // a second Ctrl+C ends the process at once
            cancel.Cancel();
        };

        Console.WriteLine($"Ordering study: {plan.Networks.Count} network(s) × {plan.Seeds.Count} seed(s), {options.Epochs} epoch(s), " +
                          $"{options.Threads} thread(s), {data.Train.Count:N0} train / {data.Test.Count:N0} test images of {data.Train.Name}");
        var clock = Stopwatch.StartNew();
        var finished = new List<StudyRun>();
        bool stopped = false;
        try
        {
            StudyGrid.Run(plan, data, options.Out, finished, Console.Out, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            stopped = true;
            Console.WriteLine();
            Console.WriteLine($"Stopped by Ctrl+C: {finished.Count} of {plan.RunCount} runs finished" +
                              (options.Out is null ? "." : $" (saved in {options.Out})."));
        }

        Report(finished, options, clock.Elapsed);
        return stopped ? 130 : finished.Exists(r => r.Result.Diverged is not null) ? 1 : 0;
    }

    private static void Report(List<StudyRun> finished, StudyOptions options, TimeSpan elapsed)
    {
        if (finished.Count > 0)
        {
            Console.WriteLine();
            ResultTable.Print(finished, Console.Out);
            Console.WriteLine();
            ResultTable.PrintByOrdering(finished, Console.Out);
        }
        Console.WriteLine();
        Console.WriteLine($"{finished.Count} run(s) in {elapsed.TotalMinutes:0.0} min. To reproduce:");
        Console.WriteLine("  " + options.ToCommandLine());
    }
}
