package main

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/elastic/apm-data/input/otlp"
	"github.com/elastic/apm-data/model/modelpb"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"golang.org/x/sync/semaphore"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	// Registers the gzip codec: the collector's otlp_grpc exporter compresses with gzip by default.
	_ "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// maxConcurrentDecoders mirrors APM Server's default max_concurrent_decoders.
const maxConcurrentDecoders = 200

// newServer serves OTLP gRPC and OTLP/HTTP on one listener (cleartext HTTP/2 for gRPC, as
// APM Server multiplexes both on :8200), every request authenticated by the bearer token.
func newServer(token string, processor modelpb.BatchProcessor) *http.Server {
	consumer := otlp.NewConsumer(otlp.ConsumerConfig{
		Processor:        processor,
		Semaphore:        semaphore.NewWeighted(maxConcurrentDecoders),
		RemapOTelMetrics: true,
	})
	grpcServer := grpc.NewServer(grpc.UnaryInterceptor(grpcAuth(token)))
	ptraceotlp.RegisterGRPCServer(grpcServer, &tracesService{consumer: consumer})
	pmetricotlp.RegisterGRPCServer(grpcServer, &metricsService{consumer: consumer})
	plogotlp.RegisterGRPCServer(grpcServer, &logsService{consumer: consumer})

	mux := http.NewServeMux()
	mux.Handle("POST /v1/traces", otlpHTTPHandler(tracesHTTP(consumer)))
	mux.Handle("POST /v1/metrics", otlpHTTPHandler(metricsHTTP(consumer)))
	mux.Handle("POST /v1/logs", otlpHTTPHandler(logsHTTP(consumer)))
	httpAPI := httpAuth(token, mux)

	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Server{
		Protocols: protocols,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
				grpcServer.ServeHTTP(w, r)
				return
			}
			httpAPI.ServeHTTP(w, r)
		}),
	}
}

func validToken(header, token string) bool {
	return subtle.ConstantTimeCompare([]byte(header), []byte("Bearer "+token)) == 1
}

// grpcAuth answers Unauthenticated unless the authorization metadata carries the bearer token.
func grpcAuth(token string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		values := md.Get("authorization")
		if len(values) != 1 || !validToken(values[0], token) {
			return nil, status.Error(codes.Unauthenticated, "missing or invalid secret token (Authorization: Bearer <token>)")
		}
		return handler(ctx, req)
	}
}

// httpAuth answers 401 unless the Authorization header carries the bearer token.
func httpAuth(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !validToken(r.Header.Get("Authorization"), token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="apm-server"`)
			http.Error(w, "missing or invalid secret token (Authorization: Bearer <token>)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
