package plot

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/dlc-go/denoising/kit/train"
	"github.com/janpfeifer/gonb/gonbui"
)

// ProgressDisplay shows the progress of a training run. In a notebook it
// keeps ONE output block up to date (step/steps, loss, elapsed, ETA and a
// small loss curve on a log scale), redrawn at most every MinInterval and
// always on the final report; outside a notebook it prints a line at most
// every PrintEvery (and on the first and final reports). It is not safe for
// concurrent use.
type ProgressDisplay struct {
	// Title heads the display; "" uses Progress.Name.
	Title string
	// MinInterval is the least time between two notebook redraws (default 0.5 s).
	MinInterval time.Duration
	// PrintEvery is the least time between two printed lines outside a
	// notebook (default 10 s).
	PrintEvery time.Duration
	// Out receives the printed lines (default os.Stdout).
	Out io.Writer
	// Now is the clock (default time.Now); tests inject a fake one.
	Now func() time.Time

	notebook  bool
	displayID string
	history   []lossPoint
	last      time.Time // last redraw or print; zero before the first
	shown     int       // number of redraws or printed lines
}

// lossPoint is one (step, loss) of the curve.
type lossPoint struct {
	step int
	loss float64
}

// maxHistory bounds the stored loss curve: beyond it, every other point is
// dropped.
const maxHistory = 1000

// NewProgress makes a ProgressDisplay with the given title, detecting
// whether it runs in a GoNB notebook.
func NewProgress(title string) *ProgressDisplay {
	return &ProgressDisplay{
		Title:       title,
		MinInterval: 500 * time.Millisecond,
		PrintEvery:  10 * time.Second,
		notebook:    inNotebook(),
		displayID:   "dlc-progress-" + gonbui.UniqueId(),
	}
}

// Update records a report and redraws or prints it if due: always for the
// first and the final (Done) report, otherwise when MinInterval (notebook)
// or PrintEvery (terminal) has passed since the last one. On Done in a
// notebook it also waits for the display to be delivered (gonbui.Sync).
func (d *ProgressDisplay) Update(p train.Progress) {
	d.record(p)
	now := d.now()
	every := d.PrintEvery
	if d.notebook {
		every = d.MinInterval
	}
	if !p.Done && d.shown > 0 && now.Sub(d.last) < every {
		return
	}
	d.last = now
	d.shown++
	if d.notebook {
		updateHTML(d.displayID, d.HTML(p))
		if p.Done {
			syncDisplay()
		}
		return
	}
	fmt.Fprintln(d.out(), d.Line(p))
}

// Flush waits until the notebook has received what was displayed
// (gonbui.Sync); it does nothing outside a notebook.
func (d *ProgressDisplay) Flush() {
	if d.notebook {
		syncDisplay()
	}
}

func (d *ProgressDisplay) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *ProgressDisplay) out() io.Writer {
	if d.Out != nil {
		return d.Out
	}
	return os.Stdout
}

func (d *ProgressDisplay) title(p train.Progress) string {
	if d.Title != "" {
		return d.Title
	}
	if p.Name != "" {
		return p.Name
	}
	return "training"
}

func (d *ProgressDisplay) record(p train.Progress) {
	if math.IsNaN(p.Loss) || math.IsInf(p.Loss, 0) {
		return
	}
	if n := len(d.history); n > 0 && d.history[n-1].step == p.Step {
		d.history[n-1].loss = p.Loss
		return
	}
	d.history = append(d.history, lossPoint{p.Step, p.Loss})
	if len(d.history) > maxHistory {
		kept := d.history[:0]
		for i, h := range d.history {
			if i%2 == 0 || i == len(d.history)-1 {
				kept = append(kept, h)
			}
		}
		d.history = kept
	}
}

// Line formats a report as one line, e.g.
// "dae: step 120/1000 (12.0%)  loss 0.01234  elapsed 1m02s  ETA 7m35s".
func (d *ProgressDisplay) Line(p train.Progress) string {
	s := fmt.Sprintf("%s: step %d/%d (%.1f%%)  loss %.4g  elapsed %s", d.title(p), p.Step, p.Steps,
		percent(p), p.Loss, FormatDuration(p.Elapsed))
	if p.Done {
		return s + "  done"
	}
	return s + "  ETA " + FormatDuration(p.ETA)
}

func percent(p train.Progress) float64 {
	if p.Steps <= 0 {
		return 0
	}
	return 100 * float64(p.Step) / float64(p.Steps)
}

// FormatDuration writes a duration rounded for people: "850ms", "12.3s",
// "4m05s", "2h03m".
func FormatDuration(t time.Duration) string {
	switch {
	case t < 0:
		return "-" + FormatDuration(-t)
	case t < time.Second:
		return fmt.Sprintf("%dms", t.Milliseconds())
	case t < time.Minute:
		return fmt.Sprintf("%.1fs", t.Seconds())
	case t < time.Hour:
		s := int(t.Round(time.Second).Seconds())
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		m := int(t.Round(time.Minute).Minutes())
		return fmt.Sprintf("%dh%02dm", m/60, m%60)
	}
}

// HTML renders a report as the notebook block: title, a progress bar,
// step/steps, loss, elapsed, ETA and the loss curve so far.
func (d *ProgressDisplay) HTML(p train.Progress) string {
	var b strings.Builder
	pc := percent(p)
	state := "ETA " + FormatDuration(p.ETA)
	if p.Done {
		state = "done"
	}
	fmt.Fprintf(&b, `<div style="font-family:monospace;font-size:12px;line-height:1.5">`+
		`<b>%s</b><br>`+
		`<div style="width:240px;height:8px;background:#eee;display:inline-block;vertical-align:middle">`+
		`<div style="width:%.1f%%;height:8px;background:#4a7"></div></div> `+
		`step %d/%d (%.1f%%) &nbsp; loss %.4g &nbsp; elapsed %s &nbsp; %s<br>`,
		html.EscapeString(d.title(p)), math.Min(pc, 100), p.Step, p.Steps, pc, p.Loss,
		FormatDuration(p.Elapsed), state)
	b.WriteString(d.LossSVG(240, 60))
	b.WriteString("</div>")
	return b.String()
}

// LossSVG draws the recorded loss curve as an inline SVG polyline of w x h
// pixels: x is the step, y the loss on a log scale (linear if some loss is
// <= 0), with the min and max loss written on the right. Fewer than two
// points give an empty string.
func (d *ProgressDisplay) LossSVG(w, h int) string {
	if len(d.history) < 2 {
		return ""
	}
	logY := true
	for _, q := range d.history {
		if q.loss <= 0 {
			logY = false
			break
		}
	}
	f := func(v float64) float64 {
		if logY {
			return math.Log10(v)
		}
		return v
	}
	s0, s1 := float64(d.history[0].step), float64(d.history[len(d.history)-1].step)
	lo, hi := math.Inf(1), math.Inf(-1)
	minL, maxL := math.Inf(1), math.Inf(-1)
	for _, q := range d.history {
		lo, hi = math.Min(lo, f(q.loss)), math.Max(hi, f(q.loss))
		minL, maxL = math.Min(minL, q.loss), math.Max(maxL, q.loss)
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	if s1 == s0 {
		s1 = s0 + 1
	}
	const pad, label = 2.0, 60.0
	pw, ph := float64(w)-label-2*pad, float64(h)-2*pad
	var pts strings.Builder
	for i, q := range d.history {
		if i > 0 {
			pts.WriteByte(' ')
		}
		x := pad + pw*(float64(q.step)-s0)/(s1-s0)
		y := pad + ph*(hi-f(q.loss))/(hi-lo)
		fmt.Fprintf(&pts, "%.1f,%.1f", x, y)
	}
	scale := "log"
	if !logY {
		scale = "lin"
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" style="background:#fafafa">`+
		`<polyline fill="none" stroke="#36c" stroke-width="1.2" points="%s"/>`+
		`<text x="%.0f" y="10" font-size="9" fill="#555">%.3g</text>`+
		`<text x="%.0f" y="%d" font-size="9" fill="#555">%.3g</text>`+
		`<text x="%.0f" y="%d" font-size="8" fill="#999">%s</text></svg>`,
		w, h, pts.String(), float64(w)-label+4, maxL, float64(w)-label+4, h-3, minL,
		float64(w)-label+4, h/2+3, scale)
}
