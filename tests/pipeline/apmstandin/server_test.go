package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func startServer(t *testing.T) string {
	addr, _ := startServerWithOutput(t)
	return addr
}

func startServerWithOutput(t *testing.T) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "docs.ndjson")
	sink, err := newDocumentSink(out)
	if err != nil {
		t.Fatal(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := newServer("right-token", newProcessor("default", sink))
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close(); _ = sink.Close() })
	return listener.Addr().String(), out
}

func TestHTTPRejectsWrongToken(t *testing.T) {
	addr := startServer(t)
	for _, header := range []string{"", "Bearer wrong-token", "right-token"} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/traces", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", header, resp.StatusCode)
		}
	}
}

func TestHTTPRejectsUnknownContentType(t *testing.T) {
	addr := startServer(t)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/traces", strings.NewReader("x"))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer right-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d, want 415", resp.StatusCode)
	}
}

func TestGRPCChecksToken(t *testing.T) {
	addr := startServer(t)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := ptraceotlp.NewGRPCClient(conn)
	req := ptraceotlp.NewExportRequestFromTraces(ptrace.NewTraces())

	_, err = client.Export(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer wrong"), req)
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("wrong token: %v, want Unauthenticated", err)
	}
	_, err = client.Export(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer right-token"), req)
	if err != nil {
		t.Fatalf("right token: %v", err)
	}
}

func TestHTTPServerSpanBecomesATransactionDocument(t *testing.T) {
	addr, out := startServerWithOutput(t)
	traces := ptrace.NewTraces()
	rs := traces.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetName("GET /cart")
	span.SetKind(ptrace.SpanKindServer)
	span.SetTraceID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	span.SetSpanID([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	span.SetStartTimestamp(pcommon.Timestamp(1_000_000_000))
	span.SetEndTimestamp(pcommon.Timestamp(1_002_500_000))
	span.Attributes().PutDouble("gen_ai.cost.total_usd", 0.0000004)
	body, err := ptraceotlp.NewExportRequestFromTraces(traces).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/traces", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("Authorization", "Bearer right-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var hit struct {
		Index  string         `json:"_index"`
		Source map[string]any `json:"_source"`
	}
	if err := json.Unmarshal(raw, &hit); err != nil {
		t.Fatalf("%v in %q", err, raw)
	}
	if hit.Index != "traces-apm-default" {
		t.Errorf("_index = %q", hit.Index)
	}
	transaction := hit.Source["transaction"].(map[string]any)
	if transaction["name"] != "GET /cart" || hit.Source["processor"].(map[string]any)["event"] != "transaction" {
		t.Errorf("not a transaction: %v", hit.Source)
	}
	if us := transaction["duration"].(map[string]any)["us"]; us != float64(2500) {
		t.Errorf("transaction.duration.us = %v, want 2500", us)
	}
	if cost := hit.Source["numeric_labels"].(map[string]any)["gen_ai_cost_total_usd"]; cost != float64(0) {
		t.Errorf("numeric_labels.gen_ai_cost_total_usd = %v, want 0 (scaled_float)", cost)
	}
}
