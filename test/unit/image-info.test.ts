import { imageInfo } from '../../backend/media/image-info'
import { png } from '../helpers/images'

function jpeg(width: number, height: number, sof = 0xc2): Uint8Array {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0])
  const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00])
  const frame = Buffer.from([0xff, sof, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dht, frame, Buffer.from([0xff, 0xd9])])
}

function gif(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(13)
  b.write('GIF89a')
  b.writeUInt16LE(width, 6)
  b.writeUInt16LE(height, 8)
  return b
}

function riff(chunk: string, payload: Buffer): Uint8Array {
  const head = Buffer.alloc(20)
  head.write('RIFF')
  head.writeUInt32LE(payload.length + 12, 4)
  head.write('WEBP', 8)
  head.write(chunk, 12)
  head.writeUInt32LE(payload.length, 16)
  return Buffer.concat([head, payload])
}

function webpLossless(width: number, height: number): Uint8Array {
  const p = Buffer.alloc(10)
  p[0] = 0x2f
  p.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1)
  return riff('VP8L', p)
}

function webpExtended(width: number, height: number): Uint8Array {
  const p = Buffer.alloc(10)
  p.writeUIntLE(width - 1, 4, 3)
  p.writeUIntLE(height - 1, 7, 3)
  return riff('VP8X', p)
}

function webpLossy(width: number, height: number): Uint8Array {
  const p = Buffer.alloc(10)
  p.set([0x9d, 0x01, 0x2a], 3)
  p.writeUInt16LE(width, 6)
  p.writeUInt16LE(height, 8)
  return riff('VP8 ', p)
}

function avif(width: number, height: number): Uint8Array {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from('ftypavif'), Buffer.alloc(4), Buffer.from('mif1')])
  const ispe = Buffer.alloc(20)
  ispe.writeUInt32BE(20, 0)
  ispe.write('ispe', 4)
  ispe.writeUInt32BE(width, 12)
  ispe.writeUInt32BE(height, 16)
  return Buffer.concat([ftyp, Buffer.from([0, 0, 0, 8]), Buffer.from('meta'), ispe])
}

describe('imageInfo', () => {
  it.each([
    ['png', png(640, 360), { mime: 'image/png', width: 640, height: 360 }],
    ['progressive jpeg past a DHT segment', jpeg(1920, 1080), { mime: 'image/jpeg', width: 1920, height: 1080 }],
    ['baseline jpeg', jpeg(3, 5, 0xc0), { mime: 'image/jpeg', width: 3, height: 5 }],
    ['gif', gif(320, 200), { mime: 'image/gif', width: 320, height: 200 }],
    ['lossless webp', webpLossless(1000, 16383), { mime: 'image/webp', width: 1000, height: 16383 }],
    ['extended webp', webpExtended(70000, 2), { mime: 'image/webp', width: 70000, height: 2 }],
    ['lossy webp', webpLossy(800, 600), { mime: 'image/webp', width: 800, height: 600 }],
    ['avif', avif(4032, 3024), { mime: 'image/avif', width: 4032, height: 3024 }],
  ])('reads %s', (_name, bytes, info) => {
    expect(imageInfo(bytes)).toEqual(info)
  })

  it('refuses what is not an image, or is truncated, or has no size', () => {
    expect(imageInfo(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(imageInfo(new Uint8Array(0))).toBeNull()
    expect(imageInfo(png(640, 360).slice(0, 20))).toBeNull()
    expect(imageInfo(png(0, 360))).toBeNull()
    expect(imageInfo(jpeg(100, 100).slice(0, 30))).toBeNull()
  })

  it('reads the thumbnail the instance ships', async () => {
    const { readFileSync } = await import('node:fs')
    expect(imageInfo(readFileSync('frontend/public/thumbnail.png'))).toEqual({ mime: 'image/png', width: 640, height: 360 })
  })
})
