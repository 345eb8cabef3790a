package train

import "time"

// Progress is what a training run reports after each step (or every few
// steps): the data a progress display (kit/plot.ProgressDisplay) draws.
type Progress struct {
	Name    string        // run name, e.g. "dae/gaussian-2"
	Step    int           // steps done so far, 1..Steps
	Steps   int           // total steps of the run
	Loss    float64       // training loss of the last step (or a moving average)
	Elapsed time.Duration // wall time since the run started
	ETA     time.Duration // estimated time left
	Done    bool          // true on the final report
}
