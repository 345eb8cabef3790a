package dae_test

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/dae"
)

// The MSE-optimal denoiser E[X | X~ = x~]: on the arc it pulls x~ onto the
// circle; in the middle of the gap it returns a point between the two gap
// ends, off the circle.
func ExampleOpenCircle_PosteriorMean() {
	c := dae.DefaultOpenCircle()
	sigma := dae.DefaultSigma
	for _, q := range [][2]float64{{0, 1.1}, c.BimodalQuery()} {
		m, err := c.PosteriorMean(q, sigma)
		if err != nil {
			panic(err)
		}
		fmt.Printf("x~ = (%.1f, %.1f): E[X|X~=x~] = (%.3f, %.3f), distance to the arc %.3f\n",
			q[0], q[1], m[0]+0, m[1]+0, c.DistanceToArc(m))
	}
	// Output:
	// x~ = (0.0, 1.1): E[X|X~=x~] = (0.000, 0.995), distance to the arc 0.005
	// x~ = (1.0, 0.0): E[X|X~=x~] = (0.972, 0.000), distance to the arc 0.195
}

// The posterior density of the angle of X at the bimodal query: two modes,
// at the two ends of the arc, none in between.
func ExampleOpenCircle_PosteriorDensity() {
	c := dae.DefaultOpenCircle()
	thetas := []float64{math.Pi / 16, math.Pi/16 + 0.1, math.Pi, -math.Pi/16 - 0.1, -math.Pi / 16, 0}
	p, err := c.PosteriorDensity(c.BimodalQuery(), dae.DefaultSigma, thetas)
	if err != nil {
		panic(err)
	}
	for i, th := range thetas {
		fmt.Printf("theta = %+.3f: p = %.3g\n", th, p[i])
	}
	// Output:
	// theta = +0.196: p = 11.6
	// theta = +0.296: p = 1.01
	// theta = +3.142: p = 1.1e-85
	// theta = -0.296: p = 1.01
	// theta = -0.196: p = 11.6
	// theta = +0.000: p = 0
}

// Samples of X | X~ = x~ at the bimodal query split between the two gap ends.
func ExampleOpenCircle_PosteriorSample() {
	c := dae.DefaultOpenCircle()
	xs, err := c.PosteriorSample(c.BimodalQuery(), dae.DefaultSigma, 10000, 1)
	if err != nil {
		panic(err)
	}
	upper := 0
	for _, x := range xs {
		if x[1] > 0 {
			upper++
		}
	}
	fmt.Printf("upper end: %.2f, lower end: %.2f\n", float64(upper)/1e4, 1-float64(upper)/1e4)
	// Output: upper end: 0.50, lower end: 0.50
}

// The lecture's recipe: draw many pairs (X, X~) and keep the X whose X~ falls
// near the query; their mean approaches E[X | X~ = x~].
func ExampleOpenCircle_RejectionPosterior() {
	c := dae.DefaultOpenCircle()
	q := c.BimodalQuery()
	res, err := c.RejectionPosterior(q, dae.DefaultSigma, 0.05, 3_000_000, 12)
	if err != nil {
		panic(err)
	}
	exact, _ := c.PosteriorMean(q, dae.DefaultSigma)
	fmt.Printf("kept %d of %d pairs\n", len(res.Kept), res.Tried)
	fmt.Printf("rejection mean x = %.2f, exact %.2f\n", res.Mean[0], exact[0])
	// Output:
	// kept 920 of 3000000 pairs
	// rejection mean x = 0.97, exact 0.97
}

// The Bayes risk (the best MSE any denoiser phi can reach) against the
// identity's 2 sigma^2.
func ExampleOpenCircle_PosteriorMeanMSE() {
	c := dae.DefaultOpenCircle()
	r, err := c.PosteriorMeanMSE(dae.DefaultSigma, 5000, 31)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Bayes %.4f +- %.4f, identity %.4f +- %.4f\n", r.BayesRB, r.BayesRBSE, r.Identity, r.IdentitySE)
	// Output: Bayes 0.0098 +- 0.0000, identity 0.0203 +- 0.0003
}
