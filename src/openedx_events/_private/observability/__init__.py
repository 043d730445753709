"""Traces, metrics and health of the bus, each optional: nothing here is needed at run time.

``tracing`` speaks OpenTelemetry when ``opentelemetry-api`` is installed and a tracer provider
is set; ``metrics`` counts with ``prometheus-client`` when it is installed; ``health`` and
``server`` answer process managers' probes.
"""
