// Command bench prints one Markdown table of training-step times for the
// five benchmark workloads of internal/bench on the backend chosen by
// $GOMLX_BACKEND (default: pure Go). Build with GOEXPERIMENT=simd.
//
//	go run ./internal/cmd/bench [-steps 10] [-warmup 2] [-only dae_mnist,upscaler]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dlc-go/denoising/internal/bench"
	"github.com/dlc-go/denoising/kit/backend"
)

func main() {
	steps := flag.Int("steps", 10, "timed steps per workload (the median is reported)")
	warmup := flag.Int("warmup", 2, "untimed steps after the compile step")
	only := flag.String("only", "", "comma-separated workloads (default: all)")
	flag.Parse()
	if err := run(*steps, *warmup, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(steps, warmup int, only string) error {
	b, info, err := backend.New()
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, info)
	ws := bench.Workloads()
	if only != "" {
		ws = nil
		for _, name := range strings.Split(only, ",") {
			w, err := bench.WorkloadByName(strings.TrimSpace(name))
			if err != nil {
				return err
			}
			ws = append(ws, w)
		}
	}
	var results []bench.Result
	for _, w := range ws {
		r, err := bench.Run(b, w, warmup, steps)
		if err != nil {
			return err
		}
		r.Backend = info.Config
		fmt.Fprintf(os.Stderr, "%s: %.1f ms/step\n", w.Name, r.MedianMS)
		results = append(results, r)
	}
	fmt.Printf("Backend: %s (config %s), SIMD %v, %d CPUs. FLOPs: 2 per MAC of conv/dense layers, forward+backward = 3x forward.\n\n",
		info.Name, info.Config, info.SIMD, info.CPUs)
	fmt.Print(bench.Markdown(results))
	return nil
}
