package plot

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dlc-go/denoising/kit/train"
)

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) set(d time.Duration) { c.t = time.Unix(1000, 0).Add(d) }
func newFakeClock() *fakeClock           { c := &fakeClock{}; c.set(0); return c }
func sec(s float64) time.Duration        { return time.Duration(s * float64(time.Second)) }
func report(step int, done bool) train.Progress {
	return train.Progress{Name: "run", Step: step, Steps: 100, Loss: 1 / float64(step),
		Elapsed: time.Duration(step) * time.Second, ETA: time.Duration(100-step) * time.Second, Done: done}
}

func TestProgressTerminal(t *testing.T) {
	clk := newFakeClock()
	var out bytes.Buffer
	d := NewProgress("dae")
	d.notebook = false
	d.Out, d.Now = &out, clk.now
	// Reports at t = 0, 1, 5, 10.5, 12, 15 s; the last is Done. PrintEvery is
	// 10 s: lines at 0 (first), 10.5 and 15 (Done).
	times := []float64{0, 1, 5, 10.5, 12, 15}
	for i, s := range times {
		clk.set(sec(s))
		d.Update(report(i+1, i == len(times)-1))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out.String())
	}
	for _, want := range []string{"dae:", "step 1/100", "(1.0%)", "loss 1", "elapsed 1.0s", "ETA 1m39s"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("first line %q lacks %q", lines[0], want)
		}
	}
	if !strings.Contains(lines[1], "step 4/100") || !strings.Contains(lines[1], "loss 0.25") {
		t.Errorf("second line %q", lines[1])
	}
	if !strings.Contains(lines[2], "step 6/100") || !strings.HasSuffix(lines[2], "done") || strings.Contains(lines[2], "ETA") {
		t.Errorf("final line %q", lines[2])
	}
	d.Flush() // no notebook: nothing to do, must not block
}

func TestProgressNotebookThrottle(t *testing.T) {
	nb := useFakeNotebook(t)
	clk := newFakeClock()
	d := NewProgress("")
	d.Now = clk.now
	if !d.notebook {
		t.Fatal("fake notebook not detected")
	}
	// MinInterval 0.5 s: redraws at 0 (first), 0.6 (0.6 >= 0.5), 1.1 (0.5 after 0.6), 1.2 (Done).
	times := []float64{0, 0.2, 0.4, 0.6, 0.7, 1.05, 1.1, 1.2}
	for i, s := range times {
		clk.set(sec(s))
		d.Update(report(i+1, i == len(times)-1))
	}
	if len(nb.updates) != 1 {
		t.Fatalf("%d display ids, want one block", len(nb.updates))
	}
	ups := nb.updates[d.displayID]
	if len(ups) != 4 {
		t.Fatalf("%d redraws, want 4", len(ups))
	}
	if nb.syncs != 1 {
		t.Errorf("%d syncs on Done, want 1", nb.syncs)
	}
	last := ups[3]
	for _, want := range []string{"<b>run</b>", "step 8/100", "loss 0.125", "elapsed 8.0s", "done", "<polyline"} {
		if !strings.Contains(last, want) {
			t.Errorf("final block lacks %q:\n%s", want, last)
		}
	}
	// The curve holds every report (8 points), not only the redrawn ones.
	pts := strings.Fields(strings.SplitN(strings.SplitN(last, `points="`, 2)[1], `"`, 2)[0])
	if len(pts) != 8 {
		t.Errorf("polyline has %d points, want 8", len(pts))
	}
	d.Flush()
	if nb.syncs != 2 {
		t.Errorf("Flush: %d syncs, want 2", nb.syncs)
	}
}

func TestLossSVGLogScale(t *testing.T) {
	d := &ProgressDisplay{}
	for i, l := range []float64{1, 10, 100} {
		d.record(train.Progress{Step: i + 1, Loss: l})
	}
	// 240x60, pad 2, labels 60 wide: plot area 176x56. log10 loss 0, 1, 2 at
	// steps 1, 2, 3: equally spaced points from bottom-left to top-right.
	svg := d.LossSVG(240, 60)
	if !strings.Contains(svg, `points="2.0,58.0 90.0,30.0 178.0,2.0"`) {
		t.Errorf("log-scale polyline wrong:\n%s", svg)
	}
	d.record(train.Progress{Step: 4, Loss: 0}) // a zero loss: linear scale
	if svg := d.LossSVG(240, 60); !strings.Contains(svg, ">lin<") {
		t.Errorf("zero loss should switch to a linear scale:\n%s", svg)
	}
	// The stored curve stays bounded and keeps its ends.
	d = &ProgressDisplay{}
	for i := 1; i <= 5000; i++ {
		d.record(train.Progress{Step: i, Loss: 1})
	}
	if n := len(d.history); n > maxHistory || n < maxHistory/2 || d.history[0].step != 1 || d.history[n-1].step != 5000 {
		t.Errorf("history: %d points from step %d to %d", n, d.history[0].step, d.history[n-1].step)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850 * time.Millisecond:      "850ms",
		sec(12.34):                  "12.3s",
		sec(245.4):                  "4m05s",
		2*time.Hour + 3*time.Minute: "2h03m",
		-sec(2):                     "-2.0s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
