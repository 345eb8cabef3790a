package mri

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
)

// NIfTI-1 datatype codes (nifti1.h) that [DecodeNIfTI] reads.
const (
	DTUint8   = 2
	DTInt16   = 4
	DTInt32   = 8
	DTFloat32 = 16
	DTFloat64 = 64
	DTInt8    = 256
	DTUint16  = 512
)

// NIfTIHeaderSize is sizeof_hdr of a NIfTI-1 header.
const NIfTIHeaderSize = 348

// maxVoxels bounds the volume size [DecodeNIfTI] accepts (2^31 voxels), so a
// corrupt header cannot make it allocate without limit.
const maxVoxels = 1 << 31

// Volume is a NIfTI-1 image with its voxel values converted to float32 and
// scaled: value = scl_slope * stored + scl_inter (no scaling when scl_slope
// is 0, as the standard says).
type Volume struct {
	// Dims are the sizes dim[1..dim[0]] of the header, fastest axis first:
	// (nx, ny, nz) for a 3-D volume.
	Dims []int
	// Pixdim are the voxel sizes pixdim[1..dim[0]] (mm for spatial axes).
	Pixdim []float64
	// Datatype is the NIfTI datatype code of the stored values (DTUint8, ...).
	Datatype int
	// SclSlope and SclInter are the header's scaling (already applied to Data).
	SclSlope, SclInter float64
	// VoxOffset is the byte offset of the data in the file.
	VoxOffset int
	// BigEndian reports the byte order of the file.
	BigEndian bool
	// Data holds the voxels in file order, x fastest: for 3-D,
	// Data[(z*ny + y)*nx + x], i.e. an array [nz, ny, nx].
	Data []float32
}

// At returns the voxel (x, y, z) of a volume with at least 3 dims.
func (v *Volume) At(x, y, z int) float32 {
	return v.Data[(z*v.Dims[1]+y)*v.Dims[0]+x]
}

// ReadNIfTI reads a single-file NIfTI-1 image (.nii, or .nii.gz compressed
// with gzip, recognised by its magic bytes).
func ReadNIfTI(path string) (*Volume, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := DecodeNIfTI(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// DecodeNIfTI reads a single-file NIfTI-1 image ("n+1" magic) from r,
// gunzipping it first if it starts with the gzip magic bytes. The byte order
// is detected from sizeof_hdr (348 read in either order); datatypes uint8,
// int8, int16, uint16, int32, float32 and float64 are supported. A truncated
// or corrupt input gives an error, never a panic.
func DecodeNIfTI(r io.Reader) (*Volume, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("nifti: %w", err)
	}
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("nifti: gzip: %w", err)
		}
		raw, err = io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("nifti: gzip: %w", err)
		}
	}
	if len(raw) < NIfTIHeaderSize {
		return nil, fmt.Errorf("nifti: %d bytes, shorter than the %d-byte header", len(raw), NIfTIHeaderSize)
	}
	var bo binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint32(raw) == NIfTIHeaderSize:
		bo = binary.LittleEndian
	case binary.BigEndian.Uint32(raw) == NIfTIHeaderSize:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("nifti: sizeof_hdr is not 348 in either byte order: not a NIfTI-1 file")
	}
	v := &Volume{BigEndian: bo == binary.BigEndian}
	if magic := raw[344:348]; string(magic) != "n+1\x00" {
		if string(magic) == "ni1\x00" {
			return nil, fmt.Errorf("nifti: a .hdr/.img pair (magic ni1) is not supported, only single-file .nii")
		}
		return nil, fmt.Errorf("nifti: magic %q, want \"n+1\"", magic)
	}
	i16 := func(off int) int { return int(int16(bo.Uint16(raw[off:]))) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(bo.Uint32(raw[off:]))) }

	ndim := i16(40)
	if ndim < 1 || ndim > 7 {
		return nil, fmt.Errorf("nifti: dim[0] = %d, want 1..7", ndim)
	}
	n := 1
	for i := 1; i <= ndim; i++ {
		d := i16(40 + 2*i)
		if d < 1 {
			return nil, fmt.Errorf("nifti: dim[%d] = %d, want >= 1", i, d)
		}
		if n > maxVoxels/d {
			return nil, fmt.Errorf("nifti: more than %d voxels", maxVoxels)
		}
		n *= d
		v.Dims = append(v.Dims, d)
		v.Pixdim = append(v.Pixdim, f32(76+4*i))
	}
	v.Datatype = i16(70)
	bitpix := i16(72)
	size, ok := map[int]int{DTUint8: 1, DTInt8: 1, DTInt16: 2, DTUint16: 2, DTInt32: 4, DTFloat32: 4, DTFloat64: 8}[v.Datatype]
	if !ok {
		return nil, fmt.Errorf("nifti: datatype %d not supported (uint8, int8, int16, uint16, int32, float32, float64 are)", v.Datatype)
	}
	if bitpix != 8*size {
		return nil, fmt.Errorf("nifti: bitpix %d does not match datatype %d (%d bits)", bitpix, v.Datatype, 8*size)
	}
	off := f32(108)
	if !(off >= NIfTIHeaderSize) || off > float64(len(raw)) || off != math.Trunc(off) {
		return nil, fmt.Errorf("nifti: vox_offset %v invalid for a %d-byte file", off, len(raw))
	}
	v.VoxOffset = int(off)
	if need := v.VoxOffset + n*size; need > len(raw) {
		return nil, fmt.Errorf("nifti: truncated: %d voxels of %d bytes from offset %d need %d bytes, file has %d",
			n, size, v.VoxOffset, need, len(raw))
	}
	v.SclSlope, v.SclInter = f32(112), f32(116)
	if math.IsNaN(v.SclSlope) || math.IsInf(v.SclSlope, 0) || math.IsNaN(v.SclInter) || math.IsInf(v.SclInter, 0) {
		return nil, fmt.Errorf("nifti: scl_slope %v, scl_inter %v not finite", v.SclSlope, v.SclInter)
	}
	slope, inter := v.SclSlope, v.SclInter
	if slope == 0 {
		slope, inter = 1, 0
	}
	data := raw[v.VoxOffset:]
	v.Data = make([]float32, n)
	for i := range n {
		var x float64
		switch v.Datatype {
		case DTUint8:
			x = float64(data[i])
		case DTInt8:
			x = float64(int8(data[i]))
		case DTInt16:
			x = float64(int16(bo.Uint16(data[2*i:])))
		case DTUint16:
			x = float64(bo.Uint16(data[2*i:]))
		case DTInt32:
			x = float64(int32(bo.Uint32(data[4*i:])))
		case DTFloat32:
			x = float64(math.Float32frombits(bo.Uint32(data[4*i:])))
		case DTFloat64:
			x = math.Float64frombits(bo.Uint64(data[8*i:]))
		}
		v.Data[i] = float32(slope*x + inter)
	}
	return v, nil
}

// CH2Path is the T1-weighted brain MRI of the Debian package mricron-data:
// the "ch2" template (Colin Holmes' brain, 27 averaged scans, MNI space, 1 mm
// voxels, 181 x 217 x 181, uint8). $DENOISING_CH2 overrides the path.
const CH2Path = "/usr/share/mricron/templates/ch2.nii.gz"

// CH2InstallCommand installs the package that holds [CH2Path].
const CH2InstallCommand = "sudo apt-get install mricron-data"

// LoadCH2 reads the ch2 brain volume (see [CH2Path]); a missing file gives an
// error that says how to install it.
func LoadCH2() (*Volume, error) {
	path := CH2Path
	if p := os.Getenv("DENOISING_CH2"); p != "" {
		path = p
	}
	v, err := ReadNIfTI(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("mri: %s not found: install it with `%s` or `make setup`", path, CH2InstallCommand)
	}
	return v, err
}
