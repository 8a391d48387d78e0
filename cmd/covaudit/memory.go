package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitRoadMemory sets a soft memory limit for a road audit once its
// network and fields are loaded: 1.5 times the live heap then, plus 64 MiB.
// The evaluation that follows keeps about that much live (the networks,
// their indexes and fields) and allocates every district's cells anew, so
// with the collector's default pacing the heap grows to twice the live one
// before each collection; the limit collects sooner instead. It is soft:
// should the live heap outgrow it, the runtime lets the heap grow rather
// than collect without end (it caps the collector at about half the CPU).
// Radius audits are left alone: their live heap is small and short-lived,
// and collecting sooner would only slow them. GOMEMLIMIT set in the
// environment wins.
func limitRoadMemory(roads bool) {
	if !roads || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := s[0].Value.Uint64()
	debug.SetMemoryLimit(int64(live + live/2 + 64<<20))
}
