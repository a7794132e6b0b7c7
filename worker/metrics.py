"""The worker's Temporal runtime: the SDK core's logs through Python logging, and its metrics for Prometheus.

With JOINTCHECK_WORKER_METRICS_ADDRESS set (host:port), the SDK serves its runtime metrics (workflow and
activity task latencies, schedule-to-start, slots, polls, sticky cache, request failures; all `temporal_*`)
at http://host:port/metrics. Durations are in milliseconds (the SDK's default).
"""

import logging

from temporalio.runtime import LogForwardingConfig, LoggingConfig, PrometheusConfig, Runtime, TelemetryConfig

from config.settings import Settings

# The core's own warnings and errors, written by our handler: masked, and JSON in production like every line.
_CORE_LOGGING = LoggingConfig(filter=LoggingConfig.default.filter,
                              forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")))


def worker_runtime(settings: Settings) -> Runtime:
    """A runtime for the worker's client; it serves Prometheus metrics when the settings give an address."""
    metrics = None
    if settings.worker_metrics_address:
        metrics = PrometheusConfig(bind_address=settings.worker_metrics_address)
    return Runtime(telemetry=TelemetryConfig(logging=_CORE_LOGGING, metrics=metrics))
