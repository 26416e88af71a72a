package main

import (
	"context"

	"github.com/elastic/apm-data/input/otlp"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// consumeTraces hands an OTLP traces request to apm-data and reports rejected spans, as APM Server does.
func consumeTraces(ctx context.Context, c *otlp.Consumer, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	result, err := c.ConsumeTracesWithResult(ctx, req.Traces())
	resp := ptraceotlp.NewExportResponse()
	if result.RejectedSpans > 0 {
		resp.PartialSuccess().SetRejectedSpans(result.RejectedSpans)
		resp.PartialSuccess().SetErrorMessage(result.ErrorMessage)
	}
	return resp, err
}

// consumeMetrics hands an OTLP metrics request to apm-data and reports rejected data points.
func consumeMetrics(ctx context.Context, c *otlp.Consumer, req pmetricotlp.ExportRequest) (pmetricotlp.ExportResponse, error) {
	result, err := c.ConsumeMetricsWithResult(ctx, req.Metrics())
	resp := pmetricotlp.NewExportResponse()
	if result.RejectedDataPoints > 0 {
		resp.PartialSuccess().SetRejectedDataPoints(result.RejectedDataPoints)
		resp.PartialSuccess().SetErrorMessage(result.ErrorMessage)
	}
	return resp, err
}

// consumeLogs hands an OTLP logs request to apm-data and reports rejected log records.
func consumeLogs(ctx context.Context, c *otlp.Consumer, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	result, err := c.ConsumeLogsWithResult(ctx, req.Logs())
	resp := plogotlp.NewExportResponse()
	if result.RejectedLogRecords > 0 {
		resp.PartialSuccess().SetRejectedLogRecords(result.RejectedLogRecords)
		resp.PartialSuccess().SetErrorMessage(result.ErrorMessage)
	}
	return resp, err
}

type tracesService struct {
	ptraceotlp.UnimplementedGRPCServer
	consumer *otlp.Consumer
}

func (s *tracesService) Export(ctx context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	return consumeTraces(ctx, s.consumer, req)
}

type metricsService struct {
	pmetricotlp.UnimplementedGRPCServer
	consumer *otlp.Consumer
}

func (s *metricsService) Export(ctx context.Context, req pmetricotlp.ExportRequest) (pmetricotlp.ExportResponse, error) {
	return consumeMetrics(ctx, s.consumer, req)
}

type logsService struct {
	plogotlp.UnimplementedGRPCServer
	consumer *otlp.Consumer
}

func (s *logsService) Export(ctx context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	return consumeLogs(ctx, s.consumer, req)
}

func tracesHTTP(c *otlp.Consumer) httpExport {
	return exportHTTP(ptraceotlp.NewExportRequest, func(ctx context.Context, req ptraceotlp.ExportRequest) (otlpMessage, error) {
		return consumeTraces(ctx, c, req)
	})
}

func metricsHTTP(c *otlp.Consumer) httpExport {
	return exportHTTP(pmetricotlp.NewExportRequest, func(ctx context.Context, req pmetricotlp.ExportRequest) (otlpMessage, error) {
		return consumeMetrics(ctx, c, req)
	})
}

func logsHTTP(c *otlp.Consumer) httpExport {
	return exportHTTP(plogotlp.NewExportRequest, func(ctx context.Context, req plogotlp.ExportRequest) (otlpMessage, error) {
		return consumeLogs(ctx, c, req)
	})
}
