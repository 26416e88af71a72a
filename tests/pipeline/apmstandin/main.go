// Command apmstandin stands in for APM Server in the pipeline test tier: it receives OTLP
// (gRPC and HTTP on one port, like APM Server's :8200), checks the bearer secret token, runs
// Elastic's own OTLP→APM translation (github.com/elastic/apm-data, the library APM Server uses)
// and writes, per event, the JSON document APM Server would send to Elasticsearch (NDJSON).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// secretTokenEnv names the variable holding the token, read from the environment only.
const secretTokenEnv = "ELASTIC_APM_SECRET_TOKEN"

func main() {
	addr := flag.String("addr", "127.0.0.1:8200", "listen address (host:port; port 0 picks a free one)")
	out := flag.String("out", "", "NDJSON output file (required)")
	namespace := flag.String("namespace", "default", "data stream namespace, as APM Server's data_streams.namespace")
	flag.Parse()
	if err := run(*addr, *out, *namespace); err != nil {
		log.Fatalf("apmstandin: %v", err)
	}
}

func run(addr, out, namespace string) error {
	token := os.Getenv(secretTokenEnv)
	if token == "" {
		return fmt.Errorf("%s is empty: a secret token is required (no anonymous intake)", secretTokenEnv)
	}
	if out == "" {
		return errors.New("-out is required: the NDJSON file the documents are written to")
	}
	sink, err := newDocumentSink(out)
	if err != nil {
		return err
	}
	defer sink.Close()

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	server := newServer(token, newProcessor(namespace, sink))
	// One line on stdout so a caller that asked for port 0 learns the real address.
	fmt.Printf("{\"listening\":%q}\n", listener.Addr().String())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- server.Serve(listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
