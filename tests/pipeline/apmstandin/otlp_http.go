package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// maxRequestBytes bounds an OTLP/HTTP body (after decompression), like APM Server's max_event_size.
const maxRequestBytes = 20 << 20

// otlpMessage is what the pdata OTLP request and response types share: both wire encodings.
type otlpMessage interface {
	MarshalProto() ([]byte, error)
	MarshalJSON() ([]byte, error)
	UnmarshalProto([]byte) error
	UnmarshalJSON([]byte) error
}

// httpExport decodes one OTLP/HTTP body (protobuf or JSON) and consumes it.
type httpExport func(ctx context.Context, body []byte, isJSON bool) (otlpMessage, int, error)

func exportHTTP[Req otlpMessage](newRequest func() Req, consume func(context.Context, Req) (otlpMessage, error)) httpExport {
	return func(ctx context.Context, body []byte, isJSON bool) (otlpMessage, int, error) {
		req := newRequest()
		decode := req.UnmarshalProto
		if isJSON {
			decode = req.UnmarshalJSON
		}
		if err := decode(body); err != nil {
			return nil, http.StatusBadRequest, fmt.Errorf("cannot decode OTLP request body: %w", err)
		}
		resp, err := consume(ctx, req)
		if err != nil {
			return nil, http.StatusInternalServerError, err
		}
		return resp, http.StatusOK, nil
	}
}

// otlpHTTPHandler serves one OTLP/HTTP signal path: content type and gzip per the OTLP spec.
func otlpHTTPHandler(export httpExport) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		isJSON := mediaType == "application/json"
		if !isJSON && mediaType != "application/x-protobuf" {
			http.Error(w, "Content-Type must be application/x-protobuf or application/json", http.StatusUnsupportedMediaType)
			return
		}
		body, err := readBody(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, code, err := export(r.Context(), body, isJSON)
		if err != nil {
			http.Error(w, err.Error(), code)
			return
		}
		encode := resp.MarshalProto
		if isJSON {
			encode = resp.MarshalJSON
		}
		payload, err := encode()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", mediaType)
		_, _ = w.Write(payload)
	})
}

func readBody(r *http.Request) ([]byte, error) {
	var reader io.Reader = r.Body
	switch r.Header.Get("Content-Encoding") {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, fmt.Errorf("invalid gzip body: %w", err)
		}
		defer gz.Close()
		reader = gz
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q (use gzip or none)", r.Header.Get("Content-Encoding"))
	}
	body, err := io.ReadAll(io.LimitReader(reader, maxRequestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read request body: %w", err)
	}
	if len(body) > maxRequestBytes {
		return nil, fmt.Errorf("request body larger than %d bytes", maxRequestBytes)
	}
	return body, nil
}
