package main

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func startServer(t *testing.T) string {
	t.Helper()
	sink, err := newDocumentSink(filepath.Join(t.TempDir(), "docs.ndjson"))
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
	return listener.Addr().String()
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
