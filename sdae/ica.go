// FastICA (Hyvärinen 1999), the reference the filter experiment checks its
// data with: on properly whitened natural image patches the independent
// components are localised, oriented, Gabor-like filters (van Hateren & van
// der Schaaf 1998; Olshausen & Field's sparse coding finds the same), so
// if ICA does not find them the data, not the autoencoders, are wrong.

package sdae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ICA is the result of [FastICA] on n rows of dimension d with k components.
type ICA struct {
	// Filters [k, d] (row-major): component j of a row x is Filters[j] . (x - Mean).
	Filters []float64
	// Basis [d, k]: the mixing matrix, x - Mean ~ Basis s (the pseudo-inverse of Filters).
	Basis []float64
	// Mean [d]: the mean row that was removed.
	Mean []float64
	// D, K: dimension and number of components.
	D, K int
	// Iterations run and whether the fixed point converged (max over the
	// components of 1 - |<w_new, w_old>| below the tolerance).
	Iterations int
	Converged  bool
	// Variance [k] is the fraction of the data's variance in each of the k
	// principal components kept, largest first.
	Variance []float64
}

// FastICA finds k independent components of the rows of x ([n, d] float32):
// the rows are centred and PCA-whitened onto their top k principal
// components (k <= d), then the symmetric FastICA fixed point with the
// log-cosh contrast (g = tanh) is iterated from a seeded random orthogonal
// matrix,
//
//	W <- E[g(W z) z^T] - diag(E[g'(W z)]) W,   W <- (W W^T)^(-1/2) W,
//
// until max_j 1 - |<w_j^new, w_j^old>| < tol or maxIter iterations. Cost:
// about 4 n k^2 flops an iteration.
func FastICA(x []float32, d, k, maxIter int, tol float64, seed uint64) (*ICA, error) {
	if d < 1 || len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("sdae.FastICA: len(x)=%d is not a positive multiple of d=%d", len(x), d)
	}
	n := len(x) / d
	if k < 1 || k > d || n < 2*k || maxIter < 1 || !(tol > 0) {
		return nil, fmt.Errorf("sdae.FastICA: need 1 <= k <= d, n >= 2k, maxIter >= 1, tol > 0; got k=%d d=%d n=%d maxIter=%d tol=%g", k, d, n, maxIter, tol)
	}
	res := &ICA{D: d, K: k, Mean: make([]float64, d)}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			res.Mean[j] += float64(x[i*d+j]) / float64(n)
		}
	}
	xc := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xc.Set(i, j, float64(x[i*d+j])-res.Mean[j])
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1/float64(n), xc.T())
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return nil, errors.New("sdae.FastICA: eigendecomposition failed")
	}
	lambda := eig.Values(nil) // ascending
	var u mat.Dense
	eig.VectorsTo(&u)
	total := 0.0
	for _, l := range lambda {
		total += l
	}
	// V [k, d] whitens: rows e_j / sqrt(lambda_j) of the top k; Vinv [d, k] un-whitens.
	v, vinv := mat.NewDense(k, d, nil), mat.NewDense(d, k, nil)
	for r := 0; r < k; r++ {
		j := d - 1 - r
		l := lambda[j]
		if !(l > 1e-12*total) {
			return nil, fmt.Errorf("sdae.FastICA: principal component %d has no variance (%g); use a smaller k", r+1, l)
		}
		res.Variance = append(res.Variance, l/total)
		for i := 0; i < d; i++ {
			v.Set(r, i, u.At(i, j)/math.Sqrt(l))
			vinv.Set(i, r, u.At(i, j)*math.Sqrt(l))
		}
	}
	var z mat.Dense
	z.Mul(xc, v.T()) // [n, k]

	rng := rand.New(rand.NewPCG(seed, 0x696361)) // "ica"
	w := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			w.Set(i, j, rng.NormFloat64())
		}
	}
	if err := symDecorrelate(w); err != nil {
		return nil, err
	}
	var y, gz mat.Dense
	wNew := mat.NewDense(k, k, nil)
	for it := 1; it <= maxIter; it++ {
		y.Mul(&z, w.T()) // [n, k]
		ym := y.RawMatrix()
		dg := make([]float64, k)
		for i := 0; i < n; i++ {
			row := ym.Data[i*ym.Stride : i*ym.Stride+k]
			for j, e := range row {
				t := math.Tanh(e)
				row[j] = t
				dg[j] += (1 - t*t) / float64(n)
			}
		}
		gz.Mul(y.T(), &z) // [k, k]: E[g(w_j z) z^T] n
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				wNew.Set(i, j, gz.At(i, j)/float64(n)-dg[i]*w.At(i, j))
			}
		}
		if err := symDecorrelate(wNew); err != nil {
			return nil, err
		}
		change := 0.0
		for i := 0; i < k; i++ {
			change = max(change, 1-math.Abs(mat.Dot(wNew.RowView(i), w.RowView(i))))
		}
		w.Copy(wNew)
		res.Iterations = it
		if change < tol {
			res.Converged = true
			break
		}
	}
	var f, b mat.Dense
	f.Mul(w, v)        // [k, d]
	b.Mul(vinv, w.T()) // [d, k]: W is orthogonal
	res.Filters = append([]float64(nil), f.RawMatrix().Data...)
	res.Basis = append([]float64(nil), b.RawMatrix().Data...)
	return res, nil
}

// symDecorrelate replaces w ([k, k]) by (w w^T)^(-1/2) w, the orthogonal
// matrix nearest to it.
func symDecorrelate(w *mat.Dense) error {
	k, _ := w.Dims()
	var s mat.SymDense
	s.SymOuterK(1, w)
	var eig mat.EigenSym
	if !eig.Factorize(&s, true) {
		return errors.New("sdae.FastICA: eigendecomposition failed in the decorrelation")
	}
	l := eig.Values(nil)
	var u mat.Dense
	eig.VectorsTo(&u)
	scaled := mat.DenseCopyOf(&u)
	for j := 0; j < k; j++ {
		if !(l[j] > 0) {
			return errors.New("sdae.FastICA: singular matrix in the decorrelation")
		}
		for i := 0; i < k; i++ {
			scaled.Set(i, j, scaled.At(i, j)/math.Sqrt(l[j]))
		}
	}
	var isq, out mat.Dense
	isq.Mul(scaled, u.T())
	out.Mul(&isq, w)
	w.Copy(&out)
	return nil
}
