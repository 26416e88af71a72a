"""The instrumented multi-agent workload: the Flask service whose telemetry the stack shows."""
