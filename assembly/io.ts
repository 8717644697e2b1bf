// The I/O buffers through which bytes cross the WebAssembly boundary.
// The host writes inputs into IN and reads results from OUT. They are static
// regions in linear memory, so a call never allocates on the host's behalf.

// 1 MiB of input; OUT has room for the largest input plus IV, tag and padding.
export const IO_CAPACITY: u32 = 1 << 20;
export const IO_OUT_CAPACITY: u32 = IO_CAPACITY + 256;

const inBuf = memory.data(<i32>IO_CAPACITY, 16);
const outBuf = memory.data(<i32>IO_OUT_CAPACITY, 16);

@inline
export function ioIn(): usize {
  return inBuf;
}

@inline
export function ioOut(): usize {
  return outBuf;
}
