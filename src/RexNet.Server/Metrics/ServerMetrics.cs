using Prometheus;

namespace RexNet.Server.Metrics;

/// <summary>Why an inference request failed, as Triton's <c>reason</c> label spells it.</summary>
internal enum FailureReason { Rejected, Canceled, Backend, Other }

/// <summary>
/// Prometheus metrics under Triton's names and labels (model, version; failures also by reason), so dashboards
/// built for Triton read this server unchanged. Durations are cumulative microsecond counters, as Triton's are.
/// Each server owns its registry: several servers in one process (tests) never share counters.
/// </summary>
internal sealed class ServerMetrics
{
    private static readonly string[] ModelLabels = ["model", "version"];

    private readonly Counter _success;
    private readonly Counter _failure;
    private readonly Counter _inferences;
    private readonly Counter _executions;
    private readonly Counter _requestDuration;
    private readonly Counter _queueDuration;
    private readonly Counter _computeDuration;
    private readonly Gauge _pending;

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public ServerMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Counter Count(string name, string help, params string[] labels) =>
            factory.CreateCounter(name, help, new CounterConfiguration { LabelNames = labels });
        _success = Count("nv_inference_request_success", "Inference requests answered successfully (any batch size).", ModelLabels);
        _failure = Count("nv_inference_request_failure", "Inference requests that failed (any batch size), by reason.", [.. ModelLabels, "reason"]);
        _inferences = Count("nv_inference_count", "Images inferred (a request of batch n counts n).", ModelLabels);
        _executions = Count("nv_inference_exec_count", "Engine runs (batches) executed.", ModelLabels);
        _requestDuration = Count("nv_inference_request_duration_us", "Cumulative end-to-end time of successful requests, in microseconds.", ModelLabels);
        _queueDuration = Count("nv_inference_queue_duration_us", "Cumulative time successful requests waited for a batch and an engine, in microseconds.", ModelLabels);
        _computeDuration = Count("nv_inference_compute_infer_duration_us", "Cumulative engine time of the batches successful requests ran in, in microseconds.", ModelLabels);
        _pending = factory.CreateGauge("nv_inference_pending_request_count", "Requests queued and not yet handed to an engine.",
            new GaugeConfiguration { LabelNames = ModelLabels });
    }

    public ModelMetrics ForModel(string model, string version) => new(this, model, version);

    /// <summary>The children of one model's label set, resolved once.</summary>
    internal sealed class ModelMetrics
    {
        private readonly Counter.Child _success;
        private readonly Counter.Child[] _failure;
        private readonly Counter.Child _inferences;
        private readonly Counter.Child _executions;
        private readonly Counter.Child _requestDuration;
        private readonly Counter.Child _queueDuration;
        private readonly Counter.Child _computeDuration;
        private readonly Gauge.Child _pending;

        public ModelMetrics(ServerMetrics metrics, string model, string version)
        {
            _success = metrics._success.WithLabels(model, version);
            _failure = Enum.GetValues<FailureReason>()
                .Select(r => metrics._failure.WithLabels(model, version, r.ToString().ToUpperInvariant())).ToArray();
            _inferences = metrics._inferences.WithLabels(model, version);
            _executions = metrics._executions.WithLabels(model, version);
            _requestDuration = metrics._requestDuration.WithLabels(model, version);
            _queueDuration = metrics._queueDuration.WithLabels(model, version);
            _computeDuration = metrics._computeDuration.WithLabels(model, version);
            _pending = metrics._pending.WithLabels(model, version);
        }

        public void Succeeded(TimeSpan total, TimeSpan queue, TimeSpan compute)
        {
            _success.Inc();
            _requestDuration.Inc(Microseconds(total));
            _queueDuration.Inc(Microseconds(queue));
            _computeDuration.Inc(Microseconds(compute));
        }

        public void Failed(FailureReason reason) => _failure[(int)reason].Inc();

        public void Executed(int images)
        {
            _executions.Inc();
            _inferences.Inc(images);
        }

        public void SetPending(int requests) => _pending.Set(requests);

        private static double Microseconds(TimeSpan t) => Math.Max(0, Math.Round(t.TotalMicroseconds));
    }
}
