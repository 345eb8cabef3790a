// Package mri makes the data of the MRI experiment of Noise2Noise (Lehtinen
// et al. 2018; lecture 7.3): brain slices x, and corrupted observations x^
// reconstructed from about 10% of their Fourier spectrum, with E[x^] = x so
// that two independent corruptions form a Noise2Noise pair.
//
// # Data
//
// [LoadCH2] reads the T1-weighted brain volume "ch2" of the Debian package
// mricron-data (181 x 217 x 181 voxels of 1 mm, uint8) with a small NIfTI-1
// reader ([ReadNIfTI]: both byte orders, uint8/int8/int16/uint16/int32/
// float32/float64, scl_slope/scl_inter, vox_offset, .nii.gz). [AxialSlice]
// turns an axial slice into a square image in [0, 1] (zero-padded to
// [DefaultSize] = 224); [DefaultSplit] holds out a contiguous block of 20
// slices (z = 100..119) for testing, drops 5 slices on each side of it and
// the near-empty top slices.
//
// # Corruption in k-space
//
// With X = F x the 2-D DFT of a slice ([img.FFT2], gonum), each frequency k is
// kept with probability
//
//	p(k) = min(1, c exp(-r(k)/r0)),   r = |k| / (N/2),  r0 = 0.15,
//
// c solved so that the mean of p is 0.10 ([Density]; for N = 224, c = 3.21:
// the disk r <= 0.175 is always kept and the corners are kept with
// probability 2.6e-4). Pairs {k, -k} are kept together (conjugate-symmetric
// mask m), so inverse transforms of masked spectra of real images are real.
// The corrupted observation
//
//	x^ = Re F^-1 ( m(k) X(k) / p(k) )
//
// is unbiased, E[x^] = x, because E[m(k)] = p(k): this is the Noise2Noise
// target, and an independent draw the input ([Density.Corrupt]; the
// zero-filled reconstruction F^-1(m X), less noisy but biased, may serve as
// input instead). After the network f, the known frequencies are put back:
// F^-1( m X + (1 - m) F f(x^) ) ([PutBackKnown] in a graph, [RestoreKnown]
// in Go).
//
// # DFT in a GoMLX graph
//
// The pure-Go GoMLX backend has no FFT (nor complex dtypes), so [DFT2] and
// [IDFT2] write X = F_H x F_W with F = C - i S as products with constant
// cos/sin matrices, on (Re, Im) pairs of [B, H, W] real tensors. They match
// gonum's FFT to 1e-9 in float64 and ~1e-7 (relative to the largest
// coefficient) in float32 at 224 x 224, and, being linear, their gradients
// are exact (checked against finite differences).
//
// # From a notebook cell
//
//	vol, err := mri.LoadCH2()
//	split, err := mri.DefaultSplit(vol)
//	x, err := mri.AxialSlice(vol, split.Train[0], mri.SliceOptions{}) // [224, 224]
//	d, err := mri.NewDensity(mri.DefaultSize, mri.DefaultKeep, mri.DefaultR0)
//	rng := rand.New(rand.NewPCG(1, 2))
//	in, err := d.Corrupt(x, rng)  // in.Unbiased: network input
//	tgt, err := d.Corrupt(x, rng) // tgt.Unbiased: Noise2Noise target
package mri
