package main

import (
	"bytes"
	"encoding/json"
	"math"
)

// numericLabelsScalingFactor is the scaling_factor of the numeric_labels.* dynamic template.
const numericLabelsScalingFactor = 1e6

// applyElasticsearchIngest applies, to one document, the two Elasticsearch-side steps that are
// not in apm-data, so the document holds what Elasticsearch serves to queries and aggregations.
//
// Sources (elastic/elasticsearch, x-pack/plugin/apm-data/src/main/resources):
//   - ingest-pipelines/traces-apm@pipeline.yaml (traces-apm* data streams only): processor.event
//     is "transaction" when transaction.type is set, else "span"; when <processor.event>.duration
//     is absent it is set to {"us": (long)(event.duration / 1000)}; event.duration is removed.
//   - component-templates/apm@mappings.yaml: dynamic template numeric_labels.* → scaled_float
//     with scaling_factor 1000000, i.e. doc values hold Math.round(v × 1e6) / 1e6 (what sums,
//     Lens and alert rules read; _source would keep the raw number).
func applyElasticsearchIngest(doc map[string]any) {
	if dataStream, _ := doc["data_stream"].(map[string]any); dataStream["type"] == "traces" {
		setDurationMicros(doc)
	}
	if labels, ok := doc["numeric_labels"].(map[string]any); ok {
		for key, value := range labels {
			labels[key] = scaledFloat(value)
		}
	}
}

func setDurationMicros(doc map[string]any) {
	kind := "span"
	if transaction, ok := doc["transaction"].(map[string]any); ok && transaction["type"] != nil {
		kind = "transaction"
	}
	processor, _ := doc["processor"].(map[string]any)
	if processor == nil {
		processor = map[string]any{}
		doc["processor"] = processor
	}
	if processor["event"] == nil {
		processor["event"] = kind
	}
	event, _ := doc["event"].(map[string]any)
	root, _ := doc[kind].(map[string]any)
	if root == nil {
		root = map[string]any{}
		doc[kind] = root
	}
	if root["duration"] == nil {
		var nanos int64
		if event != nil {
			nanos = toInt(event["duration"])
		}
		root["duration"] = map[string]any{"us": nanos / 1000}
	}
	if event != nil {
		delete(event, "duration")
	}
}

// scaledFloat reproduces Java's Math.round(v * factor) / factor for a JSON number.
func scaledFloat(value any) any {
	if _, ok := value.(json.Number); !ok {
		return value
	}
	return math.Floor(toFloat(value)*numericLabelsScalingFactor+0.5) / numericLabelsScalingFactor
}

func toFloat(value any) float64 {
	switch v := value.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case float64:
		return v
	}
	return 0
}

func toInt(value any) int64 {
	if v, ok := value.(json.Number); ok {
		if n, err := v.Int64(); err == nil {
			return n
		}
	}
	return int64(toFloat(value))
}

// decodeDocument parses a document keeping numbers exact (json.Number) until they are rewritten.
func decodeDocument(raw []byte) (map[string]any, error) {
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var doc map[string]any
	if err := decoder.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}
