// Command nb generates, executes and renders the project's notebooks.
//
//	nb gen [-check]                     notebooks/src/*.md -> notebooks/*.ipynb
//	nb run [-budget quick|full] [-cell-timeout 20m] [-out build/executed] [NOTEBOOK...]
//	nb book [-in build/executed] [-out build/book]
//
// `nb run` prints one line per notebook and closes with "N passed, M failed";
// it exits 1 when any notebook failed. It is what `make test` (QUICK budget)
// and `make book` (FULL budget) call.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dlc-go/denoising/internal/nbrun"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "book":
		err = book(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nb:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: nb gen [-check] | nb run [flags] [NOTEBOOK...] | nb book [flags]")
	os.Exit(2)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	check := fs.Bool("check", false, "only check that notebooks/*.ipynb match their sources")
	dir := fs.String("dir", "notebooks", "notebooks folder (sources in DIR/src)")
	fs.Parse(args)
	srcs, _ := filepath.Glob(filepath.Join(*dir, "src", "*.md"))
	if len(srcs) == 0 {
		return fmt.Errorf("no notebook sources in %s/src", *dir)
	}
	stale := 0
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(src), ".md")
		nb, err := nbrun.FromMarkdown(name, b)
		if err != nil {
			return err
		}
		out, err := nb.Marshal()
		if err != nil {
			return err
		}
		dst := filepath.Join(*dir, name+".ipynb")
		old, _ := os.ReadFile(dst)
		if bytes.Equal(old, out) {
			continue
		}
		if *check {
			fmt.Printf("%s is stale: run `go run ./internal/cmd/nb gen`\n", dst)
			stale++
			continue
		}
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", dst)
	}
	if stale > 0 {
		return fmt.Errorf("%d notebook(s) out of date with notebooks/src", stale)
	}
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	budget := fs.String("budget", "quick", "training budget: quick or full (sets DENOISING_BUDGET)")
	timeout := fs.Duration("cell-timeout", 20*time.Minute, "per-cell time limit")
	out := fs.String("out", "build/executed", "folder for the executed notebooks and logs")
	fs.Parse(args)
	if *budget != "quick" && *budget != "full" {
		return fmt.Errorf("-budget must be quick or full, not %q", *budget)
	}
	nbs := fs.Args()
	if len(nbs) == 0 {
		nbs, _ = filepath.Glob("notebooks/*.ipynb")
	}
	if len(nbs) == 0 {
		return fmt.Errorf("no notebooks to run")
	}
	passed, failed, err := runNotebooks(os.Stdout, nbs, *budget, *timeout, *out)
	if err != nil {
		return err
	}
	if failed > 0 {
		os.Exit(1)
	}
	_ = passed
	return nil
}

// runNotebooks executes the notebooks in name order, printing one line per
// notebook (and its problems) and the closing "N passed, M failed" line.
func runNotebooks(w io.Writer, nbs []string, budget string, timeout time.Duration, out string) (passed, failed int, err error) {
	sort.Strings(nbs)
	results := map[string]nbrun.Result{}
	start := time.Now()
	for _, nb := range nbs {
		fmt.Fprintf(w, "=== RUN   %s (budget %s)\n", nb, budget)
		r := nbrun.Execute(context.Background(), nb, nbrun.ExecOptions{
			OutDir: out, CellTimeout: timeout, Env: []string{"DENOISING_BUDGET=" + budget},
		})
		results[filepath.Base(nb)] = r
		var slow []string
		for _, c := range r.Slowest {
			slow = append(slow, fmt.Sprintf("cell %d %s", c.Cell, c.Elapsed.Round(100*time.Millisecond)))
		}
		if r.OK() {
			passed++
			fmt.Fprintf(w, "--- PASS: %s (%s; slowest: %s)\n", nb, r.Elapsed.Round(100*time.Millisecond), strings.Join(slow, ", "))
			continue
		}
		failed++
		fmt.Fprintf(w, "--- FAIL: %s (%s; log %s)\n", nb, r.Elapsed.Round(100*time.Millisecond), r.Log)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	if err := writeResults(filepath.Join(out, "results.json"), results); err != nil {
		return passed, failed, err
	}
	fmt.Fprintf(w, "notebooks (%s budget) in %s\n", budget, time.Since(start).Round(time.Second))
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	return passed, failed, nil
}

func writeResults(path string, results map[string]nbrun.Result) error {
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func book(args []string) error {
	fs := flag.NewFlagSet("book", flag.ExitOnError)
	in := fs.String("in", "build/executed", "folder of executed notebooks")
	out := fs.String("out", "build/book", "companion folder to write")
	mathjax := fs.String("mathjax", ".cache/mathjax/tex-svg-full.js", "MathJax 3 tex-svg-full.js")
	fs.Parse(args)
	nbs, _ := filepath.Glob(filepath.Join(*in, "*.ipynb"))
	sort.Strings(nbs)
	results := map[string]nbrun.Result{}
	if b, err := os.ReadFile(filepath.Join(*in, "results.json")); err == nil {
		_ = json.Unmarshal(b, &results)
	}
	for name, r := range results {
		if !r.OK() {
			return fmt.Errorf("%s failed when executed; fix it before rendering the companion", name)
		}
	}
	pages, err := nbrun.RenderBook(context.Background(), nbs, nbrun.BookOptions{
		OutDir: *out, TemplateDir: "notebooks/template", MathJax: *mathjax, Results: results,
	})
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(filepath.Join(*out, "index.html"))
	fmt.Printf("companion: %d pages, open file://%s\n", len(pages), abs)
	return nil
}
