/** Calendar-day arithmetic on ISO dates (YYYY-MM-DD, UTC), shared by server and web. */
export const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
