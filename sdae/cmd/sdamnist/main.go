// Command sdamnist trains the stacked denoising autoencoder of notebook 07
// on MNIST (or one data set of sdae.Benchmarks) and the same network from
// random initialisation, printing each phase's result and step time as it
// ends. The runs are those of sdae.Compare (same names, same cache
// entries): with the notebook's settings the notebook then loads them.
// MNIST without -bench uses sdae.SdA3MNIST (part 2's recipe), the other
// data sets sdae.SdA3 (the table's).
//
//	GOEXPERIMENT=simd go run ./sdae/cmd/sdamnist                 # the FULL MNIST run of the notebook
//	GOEXPERIMENT=simd go run ./sdae/cmd/sdamnist -validation -train 50000 -pretrain 7500 -finetune 15000 -eval 500 -no-control  # the last validation run of MNISTFinetuneLR's doc
//	GOEXPERIMENT=simd go run ./sdae/cmd/sdamnist -bench -set rot -width 500 -pretrain 200 -finetune 500 -train 10000 -eval 0  # a row of its table
package main

import (
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/dlc-go/denoising/sdae"
)

func main() {
	set := flag.String("set", "mnist", "data set: one of sdae.Benchmarks")
	bench := flag.Bool("bench", false, "build mnist with sdae.Benchmark too (as the notebook's table does)")
	width := flag.Int("width", 1000, "hidden units per layer (3 layers)")
	pretrain := flag.Int("pretrain", 9000, "pretraining steps per layer")
	finetune := flag.Int("finetune", 18000, "fine-tuning steps")
	eval := flag.Int("eval", 600, "record the test error every this many fine-tuning steps (0: only at the end)")
	nTrain := flag.Int("train", 60000, "training examples")
	nTest := flag.Int("test", 10000, "test examples")
	noControl := flag.Bool("no-control", false, "skip the random-initialisation control")
	validation := flag.Bool("validation", false, "mnist: train on the first 50,000 training digits and evaluate on the last 10,000 "+
		"(a validation set for choosing settings) instead of the test set")
	lr := flag.Float64("finetune-lr", 0, "Adam's initial fine-tuning learning rate of the pretrained net (0: the recipe's)")
	momentum := flag.Float64("momentum", 0, "fine-tune with SGD with this momentum instead of Adam (0: Adam)")
	controlLR := flag.Float64("control-lr", 0, "fine-tuning learning rate of the random-initialisation control (0: the recipe's)")
	noCache := flag.Bool("no-cache", false, "neither load nor store trained models in the model cache")
	flag.Parse()
	log.SetFlags(0)

	var trainSet, testSet *data.Set
	var err error
	if *set == "mnist" && !*bench {
		if trainSet, err = data.MNIST(data.Train); err == nil {
			if *validation {
				if *nTrain > 50000 || *nTest > 10000 {
					log.Fatalf("-validation: -train must be <= 50000 and -test <= 10000, got %d and %d", *nTrain, *nTest)
				}
				if testSet, err = trainSet.Slice(60000-*nTest, 60000); err == nil {
					trainSet, err = trainSet.Slice(0, *nTrain)
				}
			} else if testSet, err = data.MNIST(data.Test); err == nil {
				if trainSet, err = trainSet.Slice(0, *nTrain); err == nil {
					testSet, err = testSet.Slice(0, *nTest)
				}
			}
		}
	} else {
		var bg sdae.Backgrounds
		if *set == "bg-img" || *set == "bg-img-rot" || *set == "rect-img" {
			bg, err = sdae.LoadBackgrounds(4)
		}
		if err == nil {
			trainSet, testSet, err = sdae.Benchmark(*set, *nTrain, *nTest, 1, bg)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
	cfg := sdae.SdA3(*width, *pretrain, *finetune, *eval)
	if *set == "mnist" && !*bench {
		cfg = sdae.SdA3MNIST(*width, *pretrain, *finetune, *eval) // the notebook's part 2 recipe
	}
	if trainSet.NumClasses > 0 {
		cfg.Classes = trainSet.NumClasses
	}
	cfg.Name = sdae.CompareName(trainSet, testSet) // as sdae.Compare names its runs
	cfg.Cache = !*noCache
	if *lr < 0 {
		log.Fatalf("-finetune-lr must be >= 0, got %g", *lr)
	} else if *lr > 0 {
		cfg.FinetuneLR = *lr
	}
	if *controlLR > 0 {
		cfg.ControlLR = *controlLR
	}
	cfg.FinetuneMomentum = *momentum
	fmt.Printf("%s, budget %s: %d train, %d test examples; hidden %v, %d pretraining steps per layer, %d fine-tuning steps of %d\n",
		*set, train.CurrentBudget(), trainSet.Len(), testSet.Len(), cfg.Hidden, cfg.PretrainSteps, cfg.FinetuneSteps, cfg.Batch)
	t0 := time.Now()
	pre, err := sdae.PretrainStack(cfg, trainSet)
	if err != nil {
		log.Fatal(err)
	}
	for l, r := range pre.Layers {
		fmt.Printf("  pretraining layer %d: %s (%.1f ms/step)\n", l+1, r.Train, 1000/r.Train.StepsPerSec)
	}
	fmt.Printf("  pretraining wall here (with the encoding between layers): %s\n", time.Since(t0).Round(time.Second))
	for _, p := range []*sdae.Pretrained{pre, nil} {
		if p == nil && *noControl {
			break
		}
		t1 := time.Now()
		r, err := sdae.FineTune(cfg, p, trainSet, testSet)
		if err != nil {
			log.Fatal(err)
		}
		e := 0.0
		if n := len(r.Curve); n > 0 && r.Curve[n-1].Step == cfg.FinetuneSteps {
			e = r.Curve[n-1].Value
		} else if e, err = sdae.ErrorRate(cfg, r.Train.Store, testSet); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("  %s (%.1f ms/step, wall here %s)\n", r.Train, 1000/r.Train.StepsPerSec, time.Since(t1).Round(time.Second))
		for _, pt := range r.Curve {
			fmt.Printf("    step %5d (epoch %.2f): test error %.2f%%\n", pt.Step, float64(pt.Step*cfg.Batch)/float64(trainSet.Len()), 100*pt.Value)
		}
		fmt.Printf("  final test error (pretrained %v): %.2f%%\n", p != nil, 100*e)
	}
	fmt.Printf("total wall here %s\n", time.Since(t0).Round(time.Second))
}
