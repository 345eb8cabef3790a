package n2n

import (
	"fmt"
	"math"
)

// z95 is the two-sided 95% quantile of the standard normal, used for the
// confidence intervals of Monte Carlo means (n is large, so the normal
// approximation of the sample mean is used rather than Student's t).
const z95 = 1.959963984540054

// Estimate is a Monte Carlo estimate of an expectation: the sample mean of N
// independent draws, its standard error StdErr = sd / sqrt(N) and the 95%
// confidence interval [Lo, Hi] = Mean -/+ 1.96 StdErr.
type Estimate struct {
	Mean   float64 // sample mean
	StdErr float64 // standard error of the mean, sd / sqrt(N)
	Lo, Hi float64 // 95% confidence interval (normal approximation)
	N      int     // number of draws
}

// Contains reports whether v lies in the 95% confidence interval [Lo, Hi].
func (e Estimate) Contains(v float64) bool { return v >= e.Lo && v <= e.Hi }

// String formats the estimate as "mean ± 1.96 se [lo, hi]".
func (e Estimate) String() string {
	return fmt.Sprintf("%.6g ± %.2g [%.6g, %.6g]", e.Mean, z95*e.StdErr, e.Lo, e.Hi)
}

// newEstimate summarises draws with a numerically stable (Welford) mean and
// variance. It needs at least two draws.
func newEstimate(xs []float64) Estimate {
	var mean, m2 float64
	for i, x := range xs {
		d := x - mean
		mean += d / float64(i+1)
		m2 += d * (x - mean)
	}
	n := len(xs)
	se := math.Sqrt(m2 / float64(n-1) / float64(n))
	return Estimate{Mean: mean, StdErr: se, Lo: mean - z95*se, Hi: mean + z95*se, N: n}
}

// meanStd returns the sample mean and the (n-1) sample standard deviation.
func meanStd(xs []float64) (mean, sd float64) {
	e := newEstimate(xs)
	return e.Mean, e.StdErr * math.Sqrt(float64(e.N))
}
