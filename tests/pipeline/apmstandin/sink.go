package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/elastic/apm-data/model/modeljson"
	"github.com/elastic/apm-data/model/modelpb"
	"go.elastic.co/fastjson"
)

// documentSink encodes each event with apm-data's model JSON encoding (what APM Server's
// docappender sends in the bulk request), applies the Elasticsearch-side ingest steps and
// appends {"_index": <data stream>, "_source": <document>} as one NDJSON line.
type documentSink struct {
	mu   sync.Mutex
	file *os.File
}

func newDocumentSink(path string) (*documentSink, error) {
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("-out %q: %w", path, err)
	}
	return &documentSink{file: file}, nil
}

// ProcessBatch appends the batch's documents with one write (no buffering: readers poll the file).
func (s *documentSink) ProcessBatch(_ context.Context, b *modelpb.Batch) error {
	var batch bytes.Buffer
	for _, event := range *b {
		line, err := encodeDocument(event)
		if err != nil {
			return err
		}
		batch.Write(line)
		batch.WriteByte('\n')
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.file.Write(batch.Bytes())
	return err
}

// Close closes the output file.
func (s *documentSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Close()
}

func encodeDocument(event *modelpb.APMEvent) ([]byte, error) {
	var w fastjson.Writer
	if err := modeljson.MarshalAPMEvent(event, &w); err != nil {
		return nil, err
	}
	doc, err := decodeDocument(w.Bytes())
	if err != nil {
		return nil, err
	}
	applyElasticsearchIngest(doc)
	ds := event.GetDataStream()
	index := ds.GetType() + "-" + ds.GetDataset() + "-" + ds.GetNamespace()
	return json.Marshal(map[string]any{"_index": index, "_source": doc})
}
