package main

import (
	"context"
	"hash"
	"os"

	"github.com/cespare/xxhash/v2"
	"github.com/elastic/apm-data/model/modelpb"
	"github.com/elastic/apm-data/model/modelprocessor"
)

// observerVersion is the APM Server version whose processing chain this mirrors
// (apm-server v9.5.2 uses apm-data v1.22.0, the version pinned in go.mod).
const observerVersion = "9.5.2"

// newProcessor builds the batch processor chain APM Server 9.5.x applies to OTLP events
// (internal/beater/beater.go at v9.5.2: pre-processors, observer, data stream, drop unsampled),
// ending in the sink instead of the Elasticsearch bulk indexer.
func newProcessor(namespace string, sink modelpb.BatchProcessor) modelpb.BatchProcessor {
	return modelprocessor.Chained{
		modelprocessor.RemoveEventReceived{},
		modelprocessor.SetHostHostname{},
		modelprocessor.SetServiceNodeName{},
		modelprocessor.SetGroupingKey{NewHash: func() hash.Hash { return xxhash.New() }},
		modelprocessor.SetErrorMessage{},
		setObserver(),
		&modelprocessor.SetDataStream{Namespace: namespace},
		modelprocessor.NewDropUnsampled(false, func(int64) {}),
		sink,
	}
}

// setObserver fills observer.* as APM Server does, so documents look like the real ones.
func setObserver() modelpb.ProcessBatchFunc {
	hostname, _ := os.Hostname()
	return func(_ context.Context, b *modelpb.Batch) error {
		for _, event := range *b {
			if event.Observer == nil {
				event.Observer = &modelpb.Observer{}
			}
			event.Observer.Hostname = hostname
			event.Observer.Type = "apm-server"
			event.Observer.Version = observerVersion
		}
		return nil
	}
}
