package infotheory

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Estimate is a Monte Carlo estimate: the sample mean and its standard error
// (sample standard deviation / sqrt(n)).
type Estimate struct {
	Mean, StdErr float64
}

// Agrees reports whether v lies within nSE standard errors of the estimate.
func (e Estimate) Agrees(v, nSE float64) bool { return math.Abs(e.Mean-v) <= nSE*e.StdErr }

// String formats the estimate as "mean ± stderr".
func (e Estimate) String() string { return fmt.Sprintf("%.4f ± %.4f", e.Mean, e.StdErr) }

// newEstimate returns the mean and standard error of xs.
func newEstimate(xs []float64) Estimate {
	n := float64(len(xs))
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= n
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	v /= n - 1
	return Estimate{Mean: m, StdErr: math.Sqrt(v / n)}
}

// MCEstimates holds sample estimates of the closed-form quantities of a
// Channel and a Decoder, each the mean of a per-sample term over pairs
// (x_i, z_i) drawn from the joint:
type MCEstimates struct {
	EntropyX              Estimate // -log N(x; Mu, SigmaX)          -> H(X)
	ExpectedLogPosterior  Estimate // log q(x|z)                      -> -H(X|Z)
	MutualInformation     Estimate // log q(x|z) - log p(x)           -> I(X;Z)
	ExpectedLogLikelihood Estimate // log p_dec(x|z)                  -> E[log p(X|Z)]
	Bound                 Estimate // log p_dec(x|z) - log p(x)       -> H(X) + E[log p(X|Z)]
	Gap                   Estimate // log q(x|z) - log p_dec(x|z)     -> E KL(q || p)
	SquaredError          Estimate // ||x - B z - Bias||^2            -> E||X - B Z - Bias||^2
}

// Sample draws n pairs (x_i, z_i) from the joint distribution of the channel,
// deterministically for a seed (math/rand/v2 PCG seeded with (seed, 0)):
// x: [n, d], z: [n, k].
func (c *Channel) Sample(n int, seed uint64) (x, z *mat.Dense, err error) {
	if n < 1 {
		return nil, nil, fmt.Errorf("infotheory.Sample: n = %d, want >= 1", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	var lx, ln mat.TriDense
	c.cholX.LTo(&lx)
	c.cholN.LTo(&ln)
	x = mat.NewDense(n, c.d, nil)
	z = mat.NewDense(n, c.k, nil)
	zero := make([]float64, c.k)
	noise := make([]float64, c.k)
	for i := range n {
		xi := x.RawRowView(i)
		normalRand(xi, c.Mu, &lx, rng)
		normalRand(noise, zero, &ln, rng)
		zi := mulVec(c.A, xi)
		for j := range zi {
			zi[j] += noise[j]
		}
		copy(z.RawRowView(i), zi)
	}
	return x, z, nil
}

// MonteCarlo estimates every quantity of MCEstimates from n >= 2 pairs drawn
// by Sample(n, seed), using the decoder dec for the decoder terms.
func (c *Channel) MonteCarlo(dec Decoder, n int, seed uint64) (MCEstimates, error) {
	if n < 2 {
		return MCEstimates{}, fmt.Errorf("infotheory.MonteCarlo: n = %d, want >= 2", n)
	}
	chS, err := c.checkDecoder(dec)
	if err != nil {
		return MCEstimates{}, err
	}
	var chP mat.Cholesky
	if !chP.Factorize(c.posterior.Cov) {
		return MCEstimates{}, fmt.Errorf("infotheory.MonteCarlo: posterior covariance is not positive definite")
	}
	x, z, err := c.Sample(n, seed)
	if err != nil {
		return MCEstimates{}, err
	}
	terms := make([][]float64, 7)
	for t := range terms {
		terms[t] = make([]float64, n)
	}
	for i := range n {
		xi, zi := x.RawRowView(i), z.RawRowView(i)
		lx := normalLogProb(xi, c.Mu, &c.cholX)
		lq := normalLogProb(xi, c.posterior.Mean(zi), &chP)
		mean := mulVec(dec.B, zi)
		var se float64
		for j := range mean {
			mean[j] += dec.Bias[j]
			se += (xi[j] - mean[j]) * (xi[j] - mean[j])
		}
		lp := normalLogProb(xi, mean, chS)
		terms[0][i] = -lx
		terms[1][i] = lq
		terms[2][i] = lq - lx
		terms[3][i] = lp
		terms[4][i] = lp - lx
		terms[5][i] = lq - lp
		terms[6][i] = se
	}
	return MCEstimates{
		EntropyX:              newEstimate(terms[0]),
		ExpectedLogPosterior:  newEstimate(terms[1]),
		MutualInformation:     newEstimate(terms[2]),
		ExpectedLogLikelihood: newEstimate(terms[3]),
		Bound:                 newEstimate(terms[4]),
		Gap:                   newEstimate(terms[5]),
		SquaredError:          newEstimate(terms[6]),
	}, nil
}

// normalRand writes mu + L e into dst, e ~ N(0, I): a draw from N(mu, L L^T).
func normalRand(dst, mu []float64, l *mat.TriDense, rng *rand.Rand) {
	e := make([]float64, len(mu))
	for i := range e {
		e[i] = rng.NormFloat64()
	}
	le := mulVec(l, e)
	for i := range dst {
		dst[i] = mu[i] + le[i]
	}
}

// normalLogProb returns log N(x; mu, S) for S given by its Cholesky factor.
func normalLogProb(x, mu []float64, ch *mat.Cholesky) float64 {
	n := len(x)
	diff := mat.NewVecDense(n, nil)
	for i := range n {
		diff.SetVec(i, x[i]-mu[i])
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, diff); err != nil {
		return math.NaN()
	}
	return -0.5 * (float64(n)*math.Log(2*math.Pi) + ch.LogDet() + mat.Dot(diff, &sol))
}
