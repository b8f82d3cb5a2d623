/** RFC 9457 problem details, the body of every 4xx/5xx answer. */
export type FieldError = { field: string; message: string }

export type Problem = {
  type: string
  title: string
  status: number
  detail?: string
  errors?: FieldError[]
}
