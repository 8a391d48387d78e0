package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile starts a CPU profile of the command into path (the hidden
// --cpuprofile flag, for measuring where a run's time goes); the returned
// function stops it and closes the file. An empty path profiles nothing.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, outputError{Err: fmt.Errorf("--cpuprofile: %w", err)}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, outputError{Err: fmt.Errorf("--cpuprofile %s: %w", path, err)}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
