package main

import (
	"encoding/json"
	"testing"
)

func ingest(t *testing.T, raw string) map[string]any {
	t.Helper()
	doc, err := decodeDocument([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	applyElasticsearchIngest(doc)
	return doc
}

func TestTransactionDurationFromEventDuration(t *testing.T) {
	doc := ingest(t, `{"data_stream":{"type":"traces"},"transaction":{"type":"request"},"event":{"duration":1234567,"outcome":"success"}}`)
	us := doc["transaction"].(map[string]any)["duration"].(map[string]any)["us"]
	if us != int64(1234) {
		t.Fatalf("transaction.duration.us = %v, want 1234 (ns / 1000, truncated)", us)
	}
	if _, ok := doc["event"].(map[string]any)["duration"]; ok {
		t.Fatal("event.duration must be removed, as the ingest pipeline does")
	}
	if doc["processor"].(map[string]any)["event"] != "transaction" {
		t.Fatalf("processor.event = %v", doc["processor"])
	}
}

func TestSpanDurationAndNoChangeOutsideTraces(t *testing.T) {
	span := ingest(t, `{"data_stream":{"type":"traces"},"span":{"type":"genai"},"event":{"duration":999}}`)
	if got := span["span"].(map[string]any)["duration"].(map[string]any)["us"]; got != int64(0) {
		t.Fatalf("span.duration.us = %v, want 0", got)
	}
	errorDoc := ingest(t, `{"data_stream":{"type":"logs"},"event":{"duration":5000}}`)
	if _, ok := errorDoc["span"]; ok {
		t.Fatal("only traces-apm* documents go through traces-apm@pipeline")
	}
	if errorDoc["event"].(map[string]any)["duration"] != json.Number("5000") {
		t.Fatal("event.duration outside traces must stay as it is")
	}
}

func TestNumericLabelsScaledFloat(t *testing.T) {
	doc := ingest(t, `{"data_stream":{"type":"metrics"},"numeric_labels":{"tiny":0.0000004,"half":0.0000005,"cost":0.0123456789,"tokens":1200}}`)
	labels := doc["numeric_labels"].(map[string]any)
	want := map[string]float64{"tiny": 0, "half": 0.000001, "cost": 0.012346, "tokens": 1200}
	for key, value := range want {
		if labels[key] != value {
			t.Errorf("numeric_labels.%s = %v, want %v (Math.round(v*1e6)/1e6)", key, labels[key], value)
		}
	}
}
