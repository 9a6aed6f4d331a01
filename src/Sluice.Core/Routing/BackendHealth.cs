using System.Collections.Concurrent;
using Sluice.Model;

namespace Sluice.Routing;

/// <summary>
/// Passive health of one backend: consecutive failures eject it for a growing time (base, doubled per ejection,
/// capped), a 429 with Retry-After ejects it until then, and a success clears it. Lives across config reloads.
/// </summary>
internal sealed class BackendHealth
{
    private readonly Lock _lock = new();
    private int _consecutiveFailures;
    private int _ejections;
    private DateTimeOffset _ejectedUntil;

    public DateTimeOffset EjectedUntil
    {
        get
        {
            lock (_lock)
            {
                return _ejectedUntil;
            }
        }
    }

    public bool IsEjected(DateTimeOffset now) => now < EjectedUntil;

    public void RecordSuccess()
    {
        lock (_lock)
        {
            _consecutiveFailures = 0;
            _ejections = 0;
        }
    }

    /// <summary>Counts a failure; returns the ejection end when this failure ejected the backend.</summary>
    public DateTimeOffset? RecordFailure(PassiveHealthModel policy, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (++_consecutiveFailures < policy.ConsecutiveFailures)
            {
                return null;
            }

            var duration = TimeSpan.FromTicks(Math.Min(policy.BaseEjection.Ticks << Math.Min(_ejections, 16), policy.MaxEjection.Ticks));
            _ejections++;
            _consecutiveFailures = 0;
            _ejectedUntil = now + duration;
            return _ejectedUntil;
        }
    }

    /// <summary>The backend asked for a pause (429 with Retry-After): no traffic until then while others can take it.</summary>
    public void EjectUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _ejectedUntil)
            {
                _ejectedUntil = until;
            }
        }
    }
}

/// <summary>Health by backend name, shared by every snapshot.</summary>
internal sealed class BackendHealthRegistry
{
    private readonly ConcurrentDictionary<string, BackendHealth> _byBackend = new(StringComparer.Ordinal);

    public BackendHealth For(string backendName) => _byBackend.GetOrAdd(backendName, static _ => new BackendHealth());
}
