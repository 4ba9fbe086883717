using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ServerEvents.Diagnostics;

namespace ServerEvents.Api.Admin;

/// <summary>
/// Listens to every instrument of this host's <c>ServerEvents</c> meter by name, so an instrument added to the meter
/// later reaches the dashboard without a change here: counters as running totals since the listener started,
/// observable instruments as their last observed value, histograms as count, sum and maximum per sample.
/// </summary>
/// <remarks>
/// Only meters created by this host's <see cref="IMeterFactory"/> are read: several hosts in one process (tests,
/// an in-process cluster) each have a meter of the same name.
/// </remarks>
internal sealed class MeterSampler : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Reading> _readings = new(StringComparer.Ordinal);

    /// <summary>Starts listening.</summary>
    public MeterSampler(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServerEventsMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument, _readings.GetOrAdd(instrument.Name, _ => new Reading(instrument)));
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, state) => ((Reading)state!).Record(value));
        _listener.SetMeasurementEventCallback<int>((_, value, _, state) => ((Reading)state!).Record(value));
        _listener.SetMeasurementEventCallback<double>((_, value, _, state) => ((Reading)state!).Record(value));
        _listener.SetMeasurementEventCallback<float>((_, value, _, state) => ((Reading)state!).Record(value));
        _listener.Start();
    }

    /// <summary>
    /// Reads every instrument: the values of counters and observable instruments, and the histograms' figures since
    /// the previous call.
    /// </summary>
    public MeterSample Sample()
    {
        _listener.RecordObservableInstruments();
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var histograms = new SortedDictionary<string, HistogramSample>(StringComparer.Ordinal);
        foreach (var (name, reading) in _readings)
        {
            if (reading.IsHistogram)
            {
                histograms[name] = reading.TakeHistogram();
            }
            else
            {
                values[name] = reading.Value;
            }
        }

        return new MeterSample(values, histograms);
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private sealed class Reading(Instrument instrument)
    {
        private readonly Lock _lock = new();
        private readonly bool _isLastValue = instrument.IsObservable;
        private double _value;
        private long _count;
        private double _max;

        public bool IsHistogram { get; } = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);

        public string? Unit { get; } = instrument.Unit;

        public double Value
        {
            get
            {
                lock (_lock)
                {
                    return _value;
                }
            }
        }

        public void Record(double measurement)
        {
            lock (_lock)
            {
                if (_isLastValue)
                {
                    _value = measurement;
                    return;
                }

                _value += measurement;
                _max = _count == 0 ? measurement : Math.Max(_max, measurement);
                _count++;
            }
        }

        public HistogramSample TakeHistogram()
        {
            lock (_lock)
            {
                var sample = new HistogramSample(_count, _value, _max, Unit);
                (_count, _value, _max) = (0, 0, 0);
                return sample;
            }
        }
    }
}

/// <summary>One reading of the meter.</summary>
/// <param name="Values">Counters' running totals and observable instruments' last values, by instrument name.</param>
/// <param name="Histograms">Histograms' figures since the previous sample, by instrument name.</param>
internal sealed record MeterSample(IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, HistogramSample> Histograms);

/// <summary>A histogram's measurements over one sample interval.</summary>
/// <param name="Count">How many were recorded.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Max">The largest, or 0 when none were.</param>
/// <param name="Unit">The instrument's unit, such as <c>ms</c>.</param>
internal sealed record HistogramSample(long Count, double Sum, double Max, string? Unit);
