package dae_test

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/dae"
)

// Sample clean points X on the open circle and noisy pairs (X, X~).
func ExampleOpenCircle_Pairs() {
	c := dae.DefaultOpenCircle() // unit circle, gap of pi/8 centred at angle 0
	clean, noisy, err := c.Pairs(1000, dae.DefaultSigma, 1)
	if err != nil {
		panic(err)
	}
	inGap, maxDev := 0, 0.0
	for i, x := range clean {
		if c.InGap(math.Atan2(x[1], x[0])) {
			inGap++
		}
		maxDev = math.Max(maxDev, math.Abs(math.Hypot(x[0], x[1])-1))
		_ = noisy[i]
	}
	mse, _, _ := dae.MeanSquaredError(noisy, clean) // identity denoiser: ~2 sigma^2
	fmt.Printf("%d pairs, X in the gap: %d, all |X| = 1: %v\n", len(clean), inGap, maxDev < 1e-15)
	fmt.Printf("E|X~ - X|^2 = %.3f (2 sigma^2 = %.3f)\n", mse, 2*dae.DefaultSigma*dae.DefaultSigma)
	// Output:
	// 1000 pairs, X in the gap: 0, all |X| = 1: true
	// E|X~ - X|^2 = 0.019 (2 sigma^2 = 0.020)
}

// A grid of query points x~ for the displacement field phi(x~) - x~.
func ExampleGrid() {
	g, err := dae.Grid(-1.5, 1.5, -1.5, 1.5, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(g), g[0], g[1], g[3], g[8])
	// Output: 9 [-1.5 -1.5] [0 -1.5] [-1.5 0] [1.5 1.5]
}
