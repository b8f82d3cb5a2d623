export { segmentConfigKind, SegmentBodySchema, SEGMENT_KIND, segmentColors, type SegmentBody } from './segments.config'
