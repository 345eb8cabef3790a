package infotheory

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// IdentityMI returns I(X; X + N) for X ~ N(mu, SigmaX) in R^d and
// N ~ N(0, noiseVar I): the identity encoder with vanishing noise,
//
//	I = 1/2 log det(SigmaX + v I) - d/2 log v = 1/2 sum_i log(1 + lambda_i / v),
//
// lambda_i the eigenvalues of SigmaX ([d, d], SPD). It grows like
// d/2 log(1/v) as v -> 0: for continuous X, copying the input retains
// unbounded information, so "retain information" alone does not make a
// useful code.
func IdentityMI(sigmaX mat.Symmetric, noiseVar float64) (float64, error) {
	if !(noiseVar > 0) || math.IsInf(noiseVar, 0) {
		return 0, fmt.Errorf("infotheory.IdentityMI: noise variance must be finite and > 0, got %g", noiseVar)
	}
	lambda, _, err := eigenDesc(sigmaX)
	if err != nil {
		return 0, err
	}
	var mi float64
	for _, l := range lambda {
		mi += 0.5 * math.Log1p(l/noiseVar)
	}
	return mi, nil
}

// LinearDAE is the optimal linear denoising autoencoder with a code of
// dimension K, for X ~ N(Mu, SigmaX) in R^d corrupted by X~ = X + eps,
// eps ~ N(0, s^2 I): the rank-K linear map X^ = M X~ + Bias that minimises
// E||X - X^||^2.
//
// With SigmaX = U diag(lambda) U^T (lambda decreasing), the solution
// (reduced-rank regression; the eigenvectors of SigmaX(SigmaX + s^2 I)^-1 SigmaX
// are those of SigmaX, with eigenvalues lambda^2/(lambda + s^2), increasing
// in lambda) is
//
//	M = U_K diag(lambda_i / (lambda_i + s^2)) U_K^T,  Bias = (I - M) Mu,
//
// with error sum_{i<=K} lambda_i s^2/(lambda_i + s^2) + sum_{i>K} lambda_i:
// the code keeps the K directions of largest variance (PCA) and the decoder
// shrinks each by the Wiener factor. When eigenvalues tie at the cut-off the
// subspace is not unique; the error is.
type LinearDAE struct {
	K        int     // code dimension, 1 <= K <= d
	NoiseVar float64 // s^2, the variance of each coordinate of eps

	// Eigenvalues of SigmaX, decreasing: [d].
	Eigenvalues []float64
	// Directions holds the matching unit eigenvectors as columns: [d, d].
	Directions *mat.Dense
	// Encoder maps the noisy input to the code, Z = Encoder (X~ - Mu): [K, d]
	// (U_K^T, the leading principal directions).
	Encoder *mat.Dense
	// Decoder maps the code back, X^ = Decoder Z + Mu: [d, K]
	// (U_K diag(lambda_i/(lambda_i + s^2))).
	Decoder *mat.Dense
	// Map is M = Decoder Encoder: [d, d].
	Map *mat.Dense
	// Bias is (I - M) Mu: [d].
	Bias []float64

	// Error is the minimum E||X - M X~ - Bias||^2.
	Error float64
	// PCAError is the error of plain PCA on the noisy input,
	// X^ = U_K U_K^T (X~ - Mu) + Mu: sum_{i<=K} s^2 + sum_{i>K} lambda_i.
	PCAError float64
	// CleanPCAError is the error of PCA on clean input, sum_{i>K} lambda_i:
	// the s -> 0 limit of both errors above.
	CleanPCAError float64
}

// OptimalLinearDAE returns the optimal rank-k linear denoiser for
// X ~ N(mu, sigmaX) (mu: [d], sigmaX: [d, d] SPD) with isotropic Gaussian
// corruption of variance noiseVar >= 0, 1 <= k <= d.
func OptimalLinearDAE(mu []float64, sigmaX mat.Symmetric, noiseVar float64, k int) (*LinearDAE, error) {
	if sigmaX == nil || sigmaX.SymmetricDim() != len(mu) || len(mu) == 0 {
		return nil, fmt.Errorf("infotheory.OptimalLinearDAE: need mu [d] and SigmaX [d, d] with d > 0")
	}
	d := len(mu)
	if k < 1 || k > d {
		return nil, fmt.Errorf("infotheory.OptimalLinearDAE: code dimension k = %d, want 1 <= k <= d = %d", k, d)
	}
	if !(noiseVar >= 0) || math.IsInf(noiseVar, 0) {
		return nil, fmt.Errorf("infotheory.OptimalLinearDAE: noise variance must be finite and >= 0, got %g", noiseVar)
	}
	if err := finite("mu", mu); err != nil {
		return nil, err
	}
	lambda, u, err := eigenDesc(sigmaX)
	if err != nil {
		return nil, err
	}
	enc := mat.NewDense(k, d, nil)
	dec := mat.NewDense(d, k, nil)
	out := &LinearDAE{K: k, NoiseVar: noiseVar, Eigenvalues: lambda, Directions: u, Encoder: enc, Decoder: dec}
	for j := range k {
		shrink := lambda[j] / (lambda[j] + noiseVar)
		for i := range d {
			enc.Set(j, i, u.At(i, j))
			dec.Set(i, j, u.At(i, j)*shrink)
		}
		out.Error += lambda[j] * noiseVar / (lambda[j] + noiseVar)
		out.PCAError += noiseVar
	}
	for j := k; j < d; j++ {
		out.Error += lambda[j]
		out.PCAError += lambda[j]
		out.CleanPCAError += lambda[j]
	}
	out.Map = mat.NewDense(d, d, nil)
	out.Map.Mul(dec, enc)
	mmu := mulVec(out.Map, mu)
	out.Bias = make([]float64, d)
	for i := range d {
		out.Bias[i] = mu[i] - mmu[i]
	}
	return out, nil
}

// DenoisingError returns E||X - (M X~ + c)||^2 for any linear denoiser, with
// X ~ N(mu, sigmaX), X~ = X + eps, eps ~ N(0, noiseVar I):
//
//	trace(SigmaX) - 2 trace(M SigmaX) + trace(M (SigmaX + s^2 I) M^T)
//	+ ||(I - M) mu - c||^2.
//
// Shapes: mu, c: [d]; sigmaX, m: [d, d].
func DenoisingError(mu []float64, sigmaX mat.Symmetric, noiseVar float64, m mat.Matrix, c []float64) (float64, error) {
	d := len(mu)
	if sigmaX == nil || m == nil || sigmaX.SymmetricDim() != d || len(c) != d {
		return 0, fmt.Errorf("infotheory.DenoisingError: need mu, c [d] and SigmaX [d, d], d = %d", d)
	}
	if r, cc := m.Dims(); r != d || cc != d {
		return 0, fmt.Errorf("infotheory.DenoisingError: M is [%d, %d], want [%d, %d]", r, cc, d, d)
	}
	if !(noiseVar >= 0) {
		return 0, fmt.Errorf("infotheory.DenoisingError: noise variance must be >= 0, got %g", noiseVar)
	}
	noisy := mat.NewSymDense(d, nil)
	noisy.CopySym(sigmaX)
	for i := range d {
		noisy.SetSym(i, i, noisy.At(i, i)+noiseVar)
	}
	var ms, msm mat.Dense
	ms.Mul(m, sigmaX)
	msm.Product(m, noisy, m.T())
	e := mat.Trace(sigmaX) - 2*mat.Trace(&ms) + mat.Trace(&msm)
	mmu := mulVec(m, mu)
	for i := range d {
		r := mu[i] - mmu[i] - c[i]
		e += r * r
	}
	return e, nil
}

// eigenDesc returns the eigenvalues of a symmetric positive definite matrix
// in decreasing order, [d], and the matching eigenvectors as columns, [d, d].
func eigenDesc(s mat.Symmetric) ([]float64, *mat.Dense, error) {
	if s == nil || s.SymmetricDim() == 0 {
		return nil, nil, fmt.Errorf("infotheory: empty covariance")
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, nil, fmt.Errorf("infotheory: eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	d := len(vals)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	lambda := make([]float64, d)
	u := mat.NewDense(d, d, nil)
	for j, o := range order {
		lambda[j] = vals[o]
		if !(vals[o] > 0) {
			return nil, nil, fmt.Errorf("infotheory: covariance is not positive definite (eigenvalue %g)", vals[o])
		}
		for i := range d {
			u.Set(i, j, vecs.At(i, o))
		}
	}
	return lambda, u, nil
}
