package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
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

// startTrace starts an execution trace (runtime/trace) of the run into
// path, for seeing which stages use one core only; the returned function
// stops it and closes the file. An empty path traces nothing.
func startTrace(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, outputError{Err: fmt.Errorf("trace: %w", err)}
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, outputError{Err: fmt.Errorf("trace %s: %w", path, err)}
	}
	return func() {
		trace.Stop()
		f.Close()
	}, nil
}
