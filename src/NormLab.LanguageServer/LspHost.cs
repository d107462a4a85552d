using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.VisualStudio.Threading;
using NormLab.LanguageServer.Protocol;
using StreamJsonRpc;

namespace NormLab.LanguageServer;

/// <summary>Runs a <see cref="Server"/> over a pair of streams with LSP's header-delimited JSON-RPC.</summary>
public static class LspHost
{
    /// <summary>Serves until <c>exit</c> (0 after <c>shutdown</c>, else 1) or until the input ends (the same codes).</summary>
    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter log)
    {
        using var server = new Server(log);
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options };
        var handler = new LspMessageHandler(output, input, formatter, log);
        using var rpc = new JsonRpc(handler)
        {
            // one message at a time, in the order received: a change is applied before the hover that follows it
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
        };
        rpc.AddLocalRpcTarget(server, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        server.Attach(rpc);

        // the input ended (or cannot be framed): what is still queued or running has nobody to answer
        rpc.Disconnected += (_, _) => server.StopWork();
        rpc.StartListening();

        var finished = await Task.WhenAny(server.Exited, rpc.Completion).ConfigureAwait(false);
        if (finished == server.Exited)
        {
            return await server.Exited.ConfigureAwait(false);
        }

        try
        {
            await rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.WriteLine("normlab lsp: the connection failed: " + e.Message);
        }

        return server.Exited.IsCompleted ? await server.Exited.ConfigureAwait(false) : server.ShutdownRequested ? 0 : 1;
    }
}
