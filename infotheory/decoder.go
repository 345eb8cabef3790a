package infotheory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Decoder is a linear-Gaussian decoder p(X|Z) = N(B Z + Bias, S) in R^d,
// with S = Sigma2 I (isotropic, the "fixed sigma" decoder of the lecture)
// when Cov is nil, or S = Cov (full covariance) otherwise.
type Decoder struct {
	// B maps the code to the mean: [d, k].
	B *mat.Dense
	// Bias is added to the mean: [d].
	Bias []float64
	// Sigma2 is the variance sigma^2 > 0 of an isotropic decoder; ignored
	// when Cov is set.
	Sigma2 float64
	// Cov, when not nil, is a full covariance S: [d, d], symmetric positive
	// definite.
	Cov *mat.SymDense
}

// check verifies the decoder's shapes against the channel and returns the
// Cholesky factor of S.
func (c *Channel) checkDecoder(dec Decoder) (*mat.Cholesky, error) {
	if dec.B == nil {
		return nil, fmt.Errorf("infotheory: decoder has nil B")
	}
	if r, cc := dec.B.Dims(); r != c.d || cc != c.k {
		return nil, fmt.Errorf("infotheory: decoder B is [%d, %d], want [%d, %d] (d, k)", r, cc, c.d, c.k)
	}
	if len(dec.Bias) != c.d {
		return nil, fmt.Errorf("infotheory: decoder Bias has length %d, want d = %d", len(dec.Bias), c.d)
	}
	if err := finite("decoder Bias", dec.Bias); err != nil {
		return nil, err
	}
	s := mat.NewSymDense(c.d, nil)
	if dec.Cov != nil {
		if dec.Cov.SymmetricDim() != c.d {
			return nil, fmt.Errorf("infotheory: decoder Cov is [%d, %d], want [%d, %d]",
				dec.Cov.SymmetricDim(), dec.Cov.SymmetricDim(), c.d, c.d)
		}
		s.CopySym(dec.Cov)
	} else {
		if !(dec.Sigma2 > 0) || math.IsInf(dec.Sigma2, 0) {
			return nil, fmt.Errorf("infotheory: decoder Sigma2 must be finite and > 0, got %g", dec.Sigma2)
		}
		for i := range c.d {
			s.SetSym(i, i, dec.Sigma2)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(s) {
		return nil, fmt.Errorf("infotheory: decoder covariance is not positive definite")
	}
	return &ch, nil
}

// ResidualMoment returns E[R R^T] for the residual R = X - (B Z + Bias) of
// the decoder's mean map under the joint Gaussian: [d, d],
//
//	(I - B A) SigmaX (I - B A)^T + B SigmaN B^T + m m^T,  m = (I - B A) Mu - Bias.
//
// Only dec.B and dec.Bias are used.
func (c *Channel) ResidualMoment(dec Decoder) (*mat.SymDense, error) {
	if dec.B == nil {
		return nil, fmt.Errorf("infotheory: decoder has nil B")
	}
	if r, cc := dec.B.Dims(); r != c.d || cc != c.k || len(dec.Bias) != c.d {
		return nil, fmt.Errorf("infotheory: decoder B is [%d, %d] with %d biases, want [%d, %d] and %d",
			r, cc, len(dec.Bias), c.d, c.k, c.d)
	}
	var iba mat.Dense
	iba.Mul(dec.B, c.A) // B A: [d, d]
	iba.Scale(-1, &iba)
	for i := range c.d {
		iba.Set(i, i, iba.At(i, i)+1)
	}
	var t1, t2 mat.Dense
	t1.Product(&iba, c.SigmaX, iba.T())
	t2.Product(dec.B, c.SigmaN, dec.B.T())
	t1.Add(&t1, &t2)
	m := mulVec(&iba, c.Mu)
	for i := range m {
		m[i] -= dec.Bias[i]
	}
	out := symmetrize(&t1)
	out.SymRankOne(out, 1, mat.NewVecDense(c.d, m))
	return out, nil
}

// ExpectedSquaredError returns E||X - (B Z + Bias)||^2, the trace of
// ResidualMoment: the reconstruction error of the decoder's mean map.
func (c *Channel) ExpectedSquaredError(dec Decoder) (float64, error) {
	m, err := c.ResidualMoment(dec)
	if err != nil {
		return 0, err
	}
	return mat.Trace(m), nil
}

// ExpectedLogLikelihood returns E[log p(X|Z)] in closed form:
//
//	-1/2 trace(S^-1 E[R R^T]) - 1/2 log det(2 pi S),
//
// which for S = sigma^2 I is -E||X - B Z - Bias||^2 / (2 sigma^2) -
// (d/2) log(2 pi sigma^2).
func (c *Channel) ExpectedLogLikelihood(dec Decoder) (float64, error) {
	ch, err := c.checkDecoder(dec)
	if err != nil {
		return 0, err
	}
	m2, err := c.ResidualMoment(dec)
	if err != nil {
		return 0, err
	}
	var sol mat.Dense
	if err := ch.SolveTo(&sol, m2); err != nil {
		return 0, err
	}
	return -0.5*mat.Trace(&sol) - 0.5*(float64(c.d)*math.Log(2*math.Pi)+ch.LogDet()), nil
}

// Bound returns H(X) + E[log p(X|Z)], the lower bound on I(X;Z) given by the
// decoder (nats).
func (c *Channel) Bound(dec Decoder) (float64, error) {
	ll, err := c.ExpectedLogLikelihood(dec)
	if err != nil {
		return 0, err
	}
	return c.EntropyX() + ll, nil
}

// Gap returns E_Z[KL(q(.|Z) || p(.|Z))] in closed form from the Gaussian KL
// divergence (it does not use ResidualMoment). With D = B* - B and
// e = D A Mu + Bias* - Bias the mean of the difference of the two means,
//
//	2 Gap = trace(S^-1 P) + trace(S^-1 D SigmaZ D^T) + e^T S^-1 e - d
//	        + log det S - log det P.
//
// It equals I(X;Z) - Bound(dec) and is >= 0.
func (c *Channel) Gap(dec Decoder) (float64, error) {
	ch, err := c.checkDecoder(dec)
	if err != nil {
		return 0, err
	}
	post := c.posterior
	var chP mat.Cholesky
	if !chP.Factorize(post.Cov) {
		return 0, fmt.Errorf("infotheory: posterior covariance is not positive definite")
	}
	var dm mat.Dense
	dm.Sub(post.B, dec.B) // D: [d, k]
	var dsd mat.Dense
	dsd.Product(&dm, c.sigmaZ, dm.T())
	dsd.Add(&dsd, post.Cov)
	e := mulVec(&dm, c.ZMean())
	for i := range e {
		e[i] += post.Bias[i] - dec.Bias[i]
	}
	var sol mat.Dense
	if err := ch.SolveTo(&sol, &dsd); err != nil {
		return 0, err
	}
	var sole mat.VecDense
	ev := mat.NewVecDense(c.d, e)
	if err := ch.SolveVecTo(&sole, ev); err != nil {
		return 0, err
	}
	return 0.5 * (mat.Trace(&sol) + mat.Dot(ev, &sole) - float64(c.d) + ch.LogDet() - chP.LogDet()), nil
}

// OptimalDecoder returns the decoder that maximises the bound: the posterior
// mean map (B*, b*) with the best covariance, S = P (full: the bound equals
// I(X;Z)) or S = sigma*^2 I with sigma*^2 = trace(P)/d (isotropic: the gap
// left is 1/2 (d log(trace(P)/d) - log det P) >= 0, zero iff P is a multiple
// of I). The returned matrices are copies.
func (c *Channel) OptimalDecoder(full bool) Decoder {
	post := c.posterior
	dec := Decoder{B: mat.DenseCopyOf(post.B), Bias: append([]float64(nil), post.Bias...)}
	if full {
		dec.Cov = mat.NewSymDense(c.d, nil)
		dec.Cov.CopySym(post.Cov)
	} else {
		dec.Sigma2 = mat.Trace(post.Cov) / float64(c.d)
	}
	return dec
}

// PathMode says how a DecoderPath sets the decoder's covariance along the path.
type PathMode int

const (
	// PathFixedSigma keeps the start decoder's isotropic Sigma2: the bound is
	// then -E||X - g(Z)||^2/(2 sigma^2) plus a constant, the lecture's
	// statement that a lower reconstruction error gives a higher bound.
	PathFixedSigma PathMode = iota
	// PathIsotropic refits sigma^2 = E||R||^2/d at each t (the best isotropic
	// variance for the mean map); the path ends at OptimalDecoder(false).
	PathIsotropic
	// PathFull refits S = E[R R^T] at each t (the best full covariance for the
	// mean map); the path ends at OptimalDecoder(true), where the bound
	// equals I(X;Z).
	PathFull
)

// PathPoint is one decoder of a DecoderPath with its closed-form scores.
type PathPoint struct {
	T            float64 // interpolation parameter in [0, 1]
	SquaredError float64 // E||X - B(t) Z - b(t)||^2
	Bound        float64 // H(X) + E[log p_t(X|Z)], nats
	Gap          float64 // E KL(q || p_t) = I(X;Z) - Bound, nats
	Decoder      Decoder // the decoder p_t
}

// DecoderPath interpolates the mean map from the decoder from to the
// posterior mean: B(t) = (1-t) from.B + t B*, b(t) = (1-t) from.Bias + t b*,
// at t = 0, 1/steps, ..., 1 (steps+1 points), with the covariance set by
// mode. Since E||R_t||^2 = trace(P) + (1-t)^2 c with c >= 0, the squared
// error falls and the bound rises monotonically along the path, for every
// mode; with PathFull it reaches I(X;Z) at t = 1.
func (c *Channel) DecoderPath(from Decoder, steps int, mode PathMode) ([]PathPoint, error) {
	if steps < 1 {
		return nil, fmt.Errorf("infotheory.DecoderPath: steps = %d, want >= 1", steps)
	}
	if mode != PathFixedSigma && mode != PathIsotropic && mode != PathFull {
		return nil, fmt.Errorf("infotheory.DecoderPath: unknown mode %d", mode)
	}
	if _, err := c.checkDecoder(from); err != nil {
		return nil, err
	}
	if mode == PathFixedSigma && from.Cov != nil {
		return nil, fmt.Errorf("infotheory.DecoderPath: PathFixedSigma needs an isotropic start decoder (Cov == nil)")
	}
	post := c.posterior
	out := make([]PathPoint, 0, steps+1)
	for i := range steps + 1 {
		t := float64(i) / float64(steps)
		var b mat.Dense
		b.Scale(1-t, from.B)
		var tb mat.Dense
		tb.Scale(t, post.B)
		b.Add(&b, &tb)
		bias := make([]float64, c.d)
		for j := range bias {
			bias[j] = (1-t)*from.Bias[j] + t*post.Bias[j]
		}
		dec := Decoder{B: &b, Bias: bias}
		m2, err := c.ResidualMoment(dec)
		if err != nil {
			return nil, err
		}
		mse := mat.Trace(m2)
		switch mode {
		case PathFixedSigma:
			dec.Sigma2 = from.Sigma2
		case PathIsotropic:
			dec.Sigma2 = mse / float64(c.d)
		case PathFull:
			dec.Cov = m2
		}
		bound, err := c.Bound(dec)
		if err != nil {
			return nil, err
		}
		gap, err := c.Gap(dec)
		if err != nil {
			return nil, err
		}
		out = append(out, PathPoint{T: t, SquaredError: mse, Bound: bound, Gap: gap, Decoder: dec})
	}
	return out, nil
}
