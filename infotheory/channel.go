package infotheory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// log2PiE is log(2 pi e), the per-dimension constant of Gaussian entropies.
var log2PiE = math.Log(2 * math.Pi * math.E)

// Channel is a linear Gaussian encoder: X ~ N(Mu, SigmaX) in R^d and
// Z = A X + N with N ~ N(0, SigmaN) in R^k, N independent of X.
//
// Build it with NewChannel, which checks the shapes and that SigmaX and
// SigmaN are symmetric positive definite, and precomputes the covariance of
// Z and the exact posterior q(X|Z).
type Channel struct {
	// Mu is the mean of X: [d].
	Mu []float64
	// SigmaX is the covariance of X: [d, d], symmetric positive definite.
	SigmaX *mat.SymDense
	// A is the encoder's linear map: [k, d].
	A *mat.Dense
	// SigmaN is the covariance of the encoder noise N: [k, k], symmetric
	// positive definite.
	SigmaN *mat.SymDense

	d, k      int
	sigmaZ    *mat.SymDense // A SigmaX A^T + SigmaN: [k, k]
	cholX     mat.Cholesky
	cholN     mat.Cholesky
	cholZ     mat.Cholesky
	posterior Posterior
}

// Posterior is the exact posterior of a Channel, q(X|Z) = N(B Z + Bias, Cov):
// B = SigmaX A^T SigmaZ^-1 ([d, k]), Bias = Mu - B A Mu ([d]) and
// Cov = SigmaX - SigmaX A^T SigmaZ^-1 A SigmaX ([d, d]), with
// SigmaZ = A SigmaX A^T + SigmaN. Cov does not depend on Z.
type Posterior struct {
	B    *mat.Dense    // [d, k]
	Bias []float64     // [d]
	Cov  *mat.SymDense // [d, d]
}

// Mean returns the posterior mean E[X | Z = z] = B z + Bias: [d], for z: [k].
func (p Posterior) Mean(z []float64) []float64 {
	d, _ := p.B.Dims()
	m := mat.NewVecDense(d, nil)
	m.MulVec(p.B, mat.NewVecDense(len(z), z))
	out := make([]float64, d)
	for i := range out {
		out[i] = m.AtVec(i) + p.Bias[i]
	}
	return out
}

// NewChannel validates and copies the parameters of Z = A X + N:
// mu: [d], sigmaX: [d, d] SPD, a: [k, d], sigmaN: [k, k] SPD.
func NewChannel(mu []float64, sigmaX mat.Symmetric, a mat.Matrix, sigmaN mat.Symmetric) (*Channel, error) {
	d := len(mu)
	if d == 0 {
		return nil, fmt.Errorf("infotheory.NewChannel: empty mean mu")
	}
	if sigmaX == nil || a == nil || sigmaN == nil {
		return nil, fmt.Errorf("infotheory.NewChannel: nil matrix")
	}
	if sigmaX.SymmetricDim() != d {
		return nil, fmt.Errorf("infotheory.NewChannel: SigmaX is [%d, %d], want [%d, %d] to match mu",
			sigmaX.SymmetricDim(), sigmaX.SymmetricDim(), d, d)
	}
	k, ac := a.Dims()
	if ac != d || k == 0 {
		return nil, fmt.Errorf("infotheory.NewChannel: A is [%d, %d], want [k, %d] with k > 0", k, ac, d)
	}
	if sigmaN.SymmetricDim() != k {
		return nil, fmt.Errorf("infotheory.NewChannel: SigmaN is [%d, %d], want [%d, %d] (k = rows of A)",
			sigmaN.SymmetricDim(), sigmaN.SymmetricDim(), k, k)
	}
	if err := finite("mu", mu); err != nil {
		return nil, err
	}
	c := &Channel{
		Mu:     append([]float64(nil), mu...),
		SigmaX: mat.NewSymDense(d, nil),
		A:      mat.DenseCopyOf(a),
		SigmaN: mat.NewSymDense(k, nil),
		d:      d,
		k:      k,
	}
	c.SigmaX.CopySym(sigmaX)
	c.SigmaN.CopySym(sigmaN)
	if !c.cholX.Factorize(c.SigmaX) {
		return nil, fmt.Errorf("infotheory.NewChannel: SigmaX is not positive definite")
	}
	if !c.cholN.Factorize(c.SigmaN) {
		return nil, fmt.Errorf("infotheory.NewChannel: SigmaN is not positive definite (a noiseless encoder has infinite I(X;Z))")
	}
	// SigmaZ = A SigmaX A^T + SigmaN.
	var axa mat.Dense
	axa.Product(c.A, c.SigmaX, c.A.T())
	c.sigmaZ = symmetrize(&axa)
	c.sigmaZ.AddSym(c.sigmaZ, c.SigmaN)
	if !c.cholZ.Factorize(c.sigmaZ) {
		return nil, fmt.Errorf("infotheory.NewChannel: A SigmaX A^T + SigmaN is not positive definite")
	}
	// Posterior: B = SigmaX A^T SigmaZ^-1, i.e. B^T = SigmaZ^-1 A SigmaX.
	var ax, bt mat.Dense
	ax.Mul(c.A, c.SigmaX) // [k, d]
	if err := c.cholZ.SolveTo(&bt, &ax); err != nil {
		return nil, fmt.Errorf("infotheory.NewChannel: solving for the posterior: %w", err)
	}
	b := mat.DenseCopyOf(bt.T()) // [d, k]
	var bax mat.Dense
	bax.Mul(b, &ax) // SigmaX A^T SigmaZ^-1 A SigmaX: [d, d]
	cov := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			cov.SetSym(i, j, c.SigmaX.At(i, j)-(bax.At(i, j)+bax.At(j, i))/2)
		}
	}
	amu := mulVec(c.A, c.Mu)
	bamu := mulVec(b, amu)
	bias := make([]float64, d)
	for i := range bias {
		bias[i] = c.Mu[i] - bamu[i]
	}
	c.posterior = Posterior{B: b, Bias: bias, Cov: cov}
	return c, nil
}

// Dims returns d, the dimension of X, and k, the dimension of Z.
func (c *Channel) Dims() (d, k int) { return c.d, c.k }

// ZMean returns E[Z] = A Mu: [k].
func (c *Channel) ZMean() []float64 { return mulVec(c.A, c.Mu) }

// ZCov returns a copy of Cov(Z) = A SigmaX A^T + SigmaN: [k, k].
func (c *Channel) ZCov() *mat.SymDense {
	out := mat.NewSymDense(c.k, nil)
	out.CopySym(c.sigmaZ)
	return out
}

// Posterior returns the exact posterior q(X|Z) (shared matrices: do not
// modify them).
func (c *Channel) Posterior() Posterior { return c.posterior }

// MutualInformation returns I(X;Z) = 1/2 log det(A SigmaX A^T + SigmaN) -
// 1/2 log det SigmaN, in nats.
func (c *Channel) MutualInformation() float64 {
	return 0.5*c.cholZ.LogDet() - 0.5*c.cholN.LogDet()
}

// EntropyX returns the differential entropy H(X) = d/2 log(2 pi e) +
// 1/2 log det SigmaX, in nats.
func (c *Channel) EntropyX() float64 {
	return 0.5*float64(c.d)*log2PiE + 0.5*c.cholX.LogDet()
}

// ConditionalEntropy returns H(X|Z) = d/2 log(2 pi e) + 1/2 log det P, with P
// the posterior covariance (the same for every z). It equals
// -E[log q(X|Z)] and H(X) - I(X;Z).
func (c *Channel) ConditionalEntropy() float64 {
	var ch mat.Cholesky
	if !ch.Factorize(c.posterior.Cov) {
		return math.NaN()
	}
	return 0.5*float64(c.d)*log2PiE + 0.5*ch.LogDet()
}

// ExpectedLogPosterior returns E[log q(X|Z)] = -H(X|Z): the quantity that
// maximising I(X;Z) over encoders maximises, H(X) being fixed.
func (c *Channel) ExpectedLogPosterior() float64 { return -c.ConditionalEntropy() }

// mulVec returns m v as a new slice: m: [r, c], v: [c] -> [r].
func mulVec(m mat.Matrix, v []float64) []float64 {
	r, _ := m.Dims()
	out := mat.NewVecDense(r, nil)
	out.MulVec(m, mat.NewVecDense(len(v), v))
	return out.RawVector().Data
}

// symmetrize returns (m + m^T)/2 for a square m.
func symmetrize(m mat.Matrix) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	return s
}

// finite returns an error naming what when xs holds a NaN or infinity.
func finite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("infotheory: %s[%d] = %g is not finite", what, i, x)
		}
	}
	return nil
}
