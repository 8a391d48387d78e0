package audit

import (
	"context"
	"runtime/trace"
)

// phase marks the start of a stage of the run (reading, parsing, the
// geometry checks, the evaluation, writing) in the execution trace that
// COVAUDIT_TRACE asks for; bench/trace_phases.py sums the trace by stage.
// Without a trace it costs nothing.
func phase(name string) {
	if trace.IsEnabled() {
		trace.Log(context.Background(), "phase", name)
	}
}
