module github.com/llmobs/apmstandin

go 1.26.0

require (
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/elastic/apm-data v1.22.0
	go.elastic.co/fastjson v1.5.1
	go.opentelemetry.io/collector/pdata v1.63.0
	golang.org/x/sync v0.20.0
	google.golang.org/grpc v1.83.0
)

require (
	github.com/elastic/opentelemetry-lib v0.39.0 // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.3-0.20250322232337-35a7c28c31ee // indirect
	github.com/planetscale/vtprotobuf v0.6.1-0.20240319094008-0393e58bdf10 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/collector/consumer v1.58.0 // indirect
	go.opentelemetry.io/collector/featuregate v1.63.0 // indirect
	go.opentelemetry.io/otel v1.44.0 // indirect
	go.opentelemetry.io/otel/metric v1.44.0 // indirect
	go.opentelemetry.io/otel/trace v1.44.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.28.0 // indirect
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/text v0.37.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260526163538-3dc84a4a5aaa // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

// apm-data v1.22.0 asks for opentelemetry-lib v0.39.0, which the Go module proxy here does not
// serve (403 "This module version is not available"). apm-data only uses its host and Kubernetes
// metric remappers (same API in v0.30.0, the version APM Server 9.4.0-9.4.3 shipped); our
// telemetry has no host or Kubernetes metrics, so the OTLP→APM translation tested is unchanged.
replace github.com/elastic/opentelemetry-lib => github.com/elastic/opentelemetry-lib v0.30.0
