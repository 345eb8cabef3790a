package nbrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// ExecOptions configures [Execute].
type ExecOptions struct {
	OutDir      string        // where the executed notebook is written (created if missing)
	CellTimeout time.Duration // per-cell limit; a cell running longer fails the notebook
	Kernel      string        // Jupyter kernel name; default "gonb"
	Python      string        // interpreter with nbconvert; default /usr/bin/python3 (Debian's)
	Env         []string      // extra environment, e.g. DENOISING_BUDGET=quick
	LogDir      string        // where nbconvert's and the kernel's stderr go; default OutDir
}

// Result is the outcome of executing one notebook.
type Result struct {
	Notebook string        // source path
	Executed string        // path of the executed copy ("" if nbconvert wrote none)
	Elapsed  time.Duration // wall time of the whole run
	Problems []string      // empty when the notebook ran clean
	Log      string        // path of the captured stderr of nbconvert and the kernel
	Slowest  []CellTime    // the slowest cells, slowest first
}

// OK reports whether the notebook ran clean.
func (r Result) OK() bool { return len(r.Problems) == 0 }

// CellTime is the execution time of one code cell, from nbclient's timing metadata.
type CellTime struct {
	Cell    int // 1-based position in the notebook
	Elapsed time.Duration
}

// Execute runs a notebook headless with jupyter nbconvert (nbclient), writing
// the executed copy to opts.OutDir, and checks it with [Problems]. A notebook
// fails when nbconvert fails (a cell errored, timed out, or the kernel died)
// or when any output shows an error.
func Execute(ctx context.Context, path string, opts ExecOptions) Result {
	start := time.Now()
	res := Result{Notebook: path}
	if opts.Kernel == "" {
		opts.Kernel = "gonb"
	}
	if opts.Python == "" {
		opts.Python = "/usr/bin/python3"
	}
	if opts.CellTimeout <= 0 {
		opts.CellTimeout = 20 * time.Minute
	}
	if opts.LogDir == "" {
		opts.LogDir = opts.OutDir
	}
	// nbconvert runs in the notebook's folder: make the output folders absolute.
	for _, d := range []*string{&opts.OutDir, &opts.LogDir} {
		if a, err := filepath.Abs(*d); err == nil {
			*d = a
		}
	}
	fail := func(format string, args ...any) Result {
		res.Problems = append(res.Problems, fmt.Sprintf(format, args...))
		res.Elapsed = time.Since(start)
		return res
	}
	for _, d := range []string{opts.OutDir, opts.LogDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail("%v", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fail("%v", err)
	}
	base := filepath.Base(path)
	out := filepath.Join(opts.OutDir, base)
	_ = os.Remove(out) // never report a stale copy
	res.Log = filepath.Join(opts.LogDir, strings.TrimSuffix(base, ".ipynb")+".log")
	cmd := exec.CommandContext(ctx, opts.Python, "-m", "nbconvert",
		"--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name="+opts.Kernel,
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(opts.CellTimeout.Seconds())),
		"--ExecutePreprocessor.startup_timeout=300",
		"--output-dir", opts.OutDir, "--output", base, abs)
	// Run from the notebook's folder: GoNB takes it as the notebook's directory.
	cmd.Dir = filepath.Dir(abs)
	cmd.Env = append(os.Environ(), opts.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	runErr := cmd.Run()
	_ = os.WriteFile(res.Log, stderr.Bytes(), 0o644)
	if runErr != nil {
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			res.Problems = append(res.Problems, fmt.Sprintf("nbconvert failed (%v): %s", runErr, lastErrorLine(stderr.String())))
		} else {
			return fail("cannot run %s -m nbconvert (run `make setup`): %v", opts.Python, runErr)
		}
	}
	if nb, err := Read(out); err == nil {
		res.Executed = out
		res.Problems = append(res.Problems, Problems(nb)...)
		res.Slowest = slowest(nb, 3)
	} else if runErr == nil {
		res.Problems = append(res.Problems, fmt.Sprintf("executed notebook unreadable: %v", err))
	}
	res.Elapsed = time.Since(start)
	return res
}

// glogLine matches the kernel's own log lines (e.g. "I1128 14:49:07.3 ..."),
// which are noise here.
var glogLine = regexp.MustCompile(`^[IWEF]\d{4} `)

// lastErrorLine picks the most telling lines of nbconvert's stderr: Go
// panics and compile errors first, then nbclient's exception.
func lastErrorLine(s string) string {
	var found []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || glogLine.MatchString(l) {
			continue
		}
		for _, m := range []string{"panic:", "ERROR", "error:", "cannot use", "undefined:", "TimeoutError", "DeadKernelError"} {
			if strings.Contains(l, m) {
				found = append(found, firstLine(l))
				break
			}
		}
		if len(found) == 3 {
			break
		}
	}
	if len(found) == 0 {
		return lastLine(s)
	}
	return strings.Join(found, " | ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return firstLine(lines[len(lines)-1])
}

// slowest reads nbclient's per-cell timing metadata (execution.iopub.status.busy
// and .idle) and returns the n slowest code cells.
func slowest(nb *Notebook, n int) []CellTime {
	var ts []CellTime
	for i, c := range nb.Cells {
		ex, ok := c.Metadata["execution"].(map[string]any)
		if !ok {
			continue
		}
		b, _ := ex["iopub.status.busy"].(string)
		e, _ := ex["iopub.status.idle"].(string)
		tb, err1 := time.Parse(time.RFC3339Nano, b)
		te, err2 := time.Parse(time.RFC3339Nano, e)
		if err1 == nil && err2 == nil {
			ts = append(ts, CellTime{Cell: i + 1, Elapsed: te.Sub(tb)})
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Elapsed > ts[j].Elapsed })
	if len(ts) > n {
		ts = ts[:n]
	}
	return ts
}
