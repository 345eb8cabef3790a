package infotheory_test

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/infotheory"
	"gonum.org/v1/gonum/mat"
)

// The lecture's argument on a 2D input and a 1D noisy code: any decoder gives
// a lower bound H(X) + E[log p(X|Z)] on I(X;Z); the gap is E KL(q || p); the
// posterior (full covariance) closes it.
//
// Here Var Z = 4.25, so I = 1/2 log(4.25/0.25) = 1/2 log 17; the bad decoder
// X^ = (Z, 0) leaves R = (-X2 - N, X2), E||R||^2 = 1.25 + 1.
func ExampleChannel_Bound() {
	c, err := infotheory.NewChannel(
		[]float64{0, 0}, // mu
		mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1}), // SigmaX
		mat.NewDense(1, 2, []float64{1, 1}),           // A: Z = X1 + X2 + N
		mat.NewSymDense(1, []float64{0.25}),           // SigmaN
	)
	if err != nil {
		panic(err)
	}
	bad := infotheory.Decoder{B: mat.NewDense(2, 1, []float64{1, 0}), Bias: []float64{0, 0}, Sigma2: 1}
	for _, p := range []struct {
		name string
		dec  infotheory.Decoder
	}{{"bad", bad}, {"optimal isotropic", c.OptimalDecoder(false)}, {"optimal full", c.OptimalDecoder(true)}} {
		mse, _ := c.ExpectedSquaredError(p.dec)
		bound, _ := c.Bound(p.dec)
		gap, _ := c.Gap(p.dec)
		fmt.Printf("%-18s MSE %.3f  bound %.3f  gap %.3f\n", p.name, mse, bound, gap)
	}
	fmt.Printf("I(X;Z) = %.3f nats\n", c.MutualInformation())
	// Output:
	// bad                MSE 2.250  bound 0.155  gap 1.262
	// optimal isotropic  MSE 1.000  bound 0.973  gap 0.444
	// optimal full       MSE 1.000  bound 1.417  gap 0.000
	// I(X;Z) = 1.417 nats
}

// The bound rises as the decoder moves from a bad one to the posterior mean.
// X ~ N(1, 1), Z = X + N(0, 1): the full-covariance bound is -1/2 log MSE(t),
// MSE(t) = 1/2 + 8.5 (1-t)^2.
func ExampleChannel_DecoderPath() {
	c, _ := infotheory.NewChannel([]float64{1}, mat.NewSymDense(1, []float64{1}),
		mat.NewDense(1, 1, []float64{1}), mat.NewSymDense(1, []float64{1}))
	bad := infotheory.Decoder{B: mat.NewDense(1, 1, []float64{-1}), Bias: []float64{0}, Sigma2: 1}
	path, _ := c.DecoderPath(bad, 4, infotheory.PathFull)
	for _, p := range path {
		fmt.Printf("t=%.2f  MSE %.3f  bound %.3f\n", p.T, p.SquaredError, p.Bound)
	}
	fmt.Printf("I = 1/2 log(1 + snr) = %.3f\n", 0.5*math.Log(2))
	// Output:
	// t=0.00  MSE 9.000  bound -1.099
	// t=0.25  MSE 5.281  bound -0.832
	// t=0.50  MSE 2.625  bound -0.483
	// t=0.75  MSE 1.031  bound -0.015
	// t=1.00  MSE 0.500  bound 0.347
	// I = 1/2 log(1 + snr) = 0.347
}

// Monte Carlo estimates agree with the closed forms.
func ExampleChannel_MonteCarlo() {
	c, _ := infotheory.NewChannel([]float64{0}, mat.NewSymDense(1, []float64{4}),
		mat.NewDense(1, 1, []float64{1}), mat.NewSymDense(1, []float64{1}))
	mc, _ := c.MonteCarlo(c.OptimalDecoder(true), 100000, 1)
	fmt.Printf("I(X;Z): closed form %.3f, MC within 3 SE: %v\n", c.MutualInformation(), mc.MutualInformation.Agrees(c.MutualInformation(), 3))
	// Output:
	// I(X;Z): closed form 0.805, MC within 3 SE: true
}

// Retaining information is not enough: the identity code's I(X;Z) diverges as
// its noise vanishes, while the denoising criterion picks the leading
// principal directions and shrinks them.
func ExampleOptimalLinearDAE() {
	sigmaX := mat.NewSymDense(3, []float64{4, 0, 0, 0, 1, 0, 0, 0, 0.25})
	for _, v := range []float64{1, 1e-2, 1e-4} {
		mi, _ := infotheory.IdentityMI(sigmaX, v)
		fmt.Printf("identity code, noise %g: I = %.2f nats\n", v, mi)
	}
	dae, _ := infotheory.OptimalLinearDAE([]float64{0, 0, 0}, sigmaX, 1, 2)
	fmt.Printf("k=2, s^2=1: eigenvalues %v, shrink %.2f %.2f\n", dae.Eigenvalues,
		dae.Decoder.At(0, 0)*dae.Encoder.At(0, 0), dae.Decoder.At(1, 1)*dae.Encoder.At(1, 1))
	fmt.Printf("error: DAE %.3f, PCA on noisy input %.3f, PCA on clean input %.3f\n", dae.Error, dae.PCAError, dae.CleanPCAError)
	// Output:
	// identity code, noise 1: I = 1.26 nats
	// identity code, noise 0.01: I = 6.93 nats
	// identity code, noise 0.0001: I = 13.82 nats
	// k=2, s^2=1: eigenvalues [4 1 0.25], shrink 0.80 0.50
	// error: DAE 1.550, PCA on noisy input 2.250, PCA on clean input 0.250
}
