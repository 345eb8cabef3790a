package n2n_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/n2n"
)

// The Noise2Noise identity: the noisy-target loss equals the clean-target
// loss plus E||delta||^2, and their paired difference is 0 within its CI.
func ExampleIdentityCheck() {
	cfg := n2n.DefaultIdentityConfig()
	cfg.Delta = n2n.GaussianTarget(0.2)
	r, err := n2n.IdentityCheck(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Printf("E||phi - (X+delta)||^2       = %.3f\n", r.Noisy.Mean)
	fmt.Printf("E||phi - X||^2 + E||delta||^2 = %.3f\n", r.RHS.Mean)
	fmt.Println("difference CI contains 0:", r.Diff.Contains(0))

	cfg.Delta = n2n.BiasedTarget(n2n.GaussianTarget(0.2), 0.02)
	r, _ = n2n.IdentityCheck(cfg)
	fmt.Println("biased delta, CI contains 0:", r.Diff.Contains(0))
	// Output:
	// E||phi - (X+delta)||^2       = 0.211
	// E||phi - X||^2 + E||delta||^2 = 0.211
	// difference CI contains 0: true
	// biased delta, CI contains 0: false
}

// L2 gives the mean, L1 the median, the annealed L0 the mode of a bimodal
// sample with unequal weights.
func ExampleMinimiseLoss() {
	rng := rand.New(rand.NewPCG(1, 0))
	ys := make([]float64, 4000)
	for i := range ys { // 0.7 N(0.3, 0.05^2) + 0.3 N(0.8, 0.05^2)
		if rng.Float64() < 0.7 {
			ys[i] = 0.3 + 0.05*rng.NormFloat64()
		} else {
			ys[i] = 0.8 + 0.05*rng.NormFloat64()
		}
	}
	l2, _ := n2n.MinimiseLoss(ys, n2n.L2Loss())
	l1, _ := n2n.MinimiseLoss(ys, n2n.L1Loss())
	path, _ := n2n.AnnealL0(ys, n2n.DefaultAnnealConfig())
	fmt.Printf("L2 -> %.2f (mean 0.45)\n", l2)
	fmt.Printf("L1 -> %.2f (median 0.33)\n", l1)
	fmt.Printf("annealed L0 -> %.2f (mode 0.30)\n", path[len(path)-1].C)
	// Output:
	// L2 -> 0.45 (mean 0.45)
	// L1 -> 0.33 (median 0.33)
	// annealed L0 -> 0.31 (mode 0.30)
}

// Loss landscapes for a plot: L(c) for each loss over a grid of c.
func ExampleLossCurve() {
	ys := []float64{0, 0, 1}
	grid := n2n.Linspace(0, 1, 3)
	l2, _ := n2n.LossCurve(ys, n2n.L2Loss(), grid)
	l1, _ := n2n.LossCurve(ys, n2n.L1Loss(), grid)
	fmt.Printf("c:  %.2f\nL2: %.2f\nL1: %.2f\n", grid, l2, l1)
	// Output:
	// c:  [0.00 0.50 1.00]
	// L2: [0.33 0.25 0.67]
	// L1: [0.33 0.50 0.67]
}

// Poisson noise with lambda = 30: unbiased, variance x / lambda.
func ExamplePoisson() {
	const h, w, c = 100, 100, 1
	clean := make([]float32, h*w*c)
	for i := range clean {
		clean[i] = 0.6
	}
	noisy := make([]float32, len(clean))
	cor, err := n2n.DefaultPoisson().Apply(noisy, clean, h, w, c, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		panic(err)
	}
	var m, v float64
	for _, y := range noisy {
		m += float64(y)
	}
	m /= float64(len(noisy))
	for _, y := range noisy {
		v += (float64(y) - m) * (float64(y) - m)
	}
	v /= float64(len(noisy) - 1)
	fmt.Printf("lambda %g: mean %.2f, variance %.3f (x/lambda = %.3f)\n", cor.Param, m, v, 0.6/30)
	// Output:
	// lambda 30: mean 0.60, variance 0.020 (x/lambda = 0.020)
}

// Text overlay with the coverage measured and a mask of the covered pixels.
func ExampleText() {
	const h, w, c = 64, 64, 3
	clean := make([]float32, h*w*c)
	noisy := make([]float32, len(clean))
	cor, err := n2n.Text{P: 0.25}.Apply(noisy, clean, h, w, c, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("requested %.2f, covered >= requested: %v, mask [%d]\n", cor.Param, cor.Coverage >= cor.Param, len(cor.Mask))
	// Output:
	// requested 0.25, covered >= requested: true, mask [4096]
}

// Tune the median filter's radius on impulse-corrupted images.
func ExampleTuneBaseline() {
	s := img.Shape{N: 2, H: 32, W: 32, C: 1}
	clean := make([]float32, s.Size())
	for i := range clean {
		x := float64(i % s.W)
		clean[i] = float32(0.5 + 0.4*math.Sin(2*math.Pi*x/32))
	}
	noisy := make([]float32, len(clean))
	rng := rand.New(rand.NewPCG(1, 0))
	if _, err := n2n.ApplyBatch(n2n.Impulse{P: 0.2}, noisy, clean, s.N, s.H, s.W, s.C, rng); err != nil {
		panic(err)
	}
	res, err := n2n.TuneBaseline(n2n.MedianBaseline, noisy, clean, s, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("best radius %g, gain over the noisy input > 10 dB: %v\n", res.Param, res.PSNR-res.PSNRs[0] > 10)
	// Output:
	// best radius 1, gain over the noisy input > 10 dB: true
}
