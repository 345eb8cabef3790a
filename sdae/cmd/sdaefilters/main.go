// Command sdaefilters trains (or loads from the cache) the four
// autoencoders of notebook 07's part 1 (Vincent et al. 2010, figures 5 and
// 6) at the notebook's FULL budget by default, filling the same cache
// entries, and prints how Gabor-like their filters are.
package main

import (
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/dlc-go/denoising/sdae"
)

func main() {
	n := flag.Int("n", 50000, "number of 12x12 patches")
	steps := flag.Int("steps", 6000, "Adam steps of each autoencoder")
	batch := flag.Int("batch", 500, "patches per step")
	l2 := flag.Float64("l2", 1e-3, "weight decay of model (a)")
	fits := flag.Int("fits", 100, "filters measured per model")
	flag.Parse()
	if *fits < 1 || *fits > 200 {
		log.Fatalf("-fits must be in [1, 200] (the models have 200 filters), got %d", *fits)
	}
	t0 := time.Now()
	s := sdae.DefaultPatchStudy()
	s.N = *n
	ps, _, err := sdae.LoadPatches(s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d patches (%s) in %s\n", ps.N, ps.Name, time.Since(t0).Round(time.Second))
	models, err := sdae.FilterModels(ps, *steps, *batch, *l2, 1)
	if err != nil {
		log.Fatal(err)
	}
	w0, err := sdae.InitialWeights(models[1].Config, ps.X, 144)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range models {
		t1 := time.Now()
		r, err := sdae.TrainDAE(m.Config, ps.X, 144)
		if err != nil {
			log.Fatal(err)
		}
		tt := time.Since(t1)
		w, _, err := r.Weights()
		if err != nil {
			log.Fatal(err)
		}
		cs, err := sdae.RowCosines(w, w0, 144)
		if err != nil {
			log.Fatal(err)
		}
		st, err := sdae.AnalyzeFilters(w[:*fits*144], 12, 3, true)
		if err != nil {
			log.Fatal(err)
		}
		sum, err := sdae.SummarizeFilters(st)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s (%.1f ms/step, cached %v); Gabor-like %.0f%%, medians: fit %.2f, R %.2f, loc. %.2f, |cos| with init %.2f\n",
			m.Label, tt.Round(time.Second), 1000/r.Train.StepsPerSec, r.Train.Cached, 100*sum.GaborLike, sum.FVE, sum.Orientation, sum.Localization, sdae.Median(cs))
	}
	fmt.Println("total", time.Since(t0).Round(time.Second))
}
