/** A learnable synthetic churn file with the awkward parts real exports have (tests only). */
import { seededRng } from './learners/random'

export function syntheticChurnCsv(rows: number, seed = 1): string {
  const rng = seededRng(seed)
  const lines = ['Customer ID,Monthly Usage,Plan,City,Notes,Seats,Churned?,Set']
  for (let index = 0; index < rows; index++) {
    const usage = Math.round(Math.exp(rng() * 4))
    const plan = ['Basic', 'Pro', 'Enterprise'][Math.floor(rng() * 3)]
    const seats = 1 + Math.floor(rng() * 50)
    const z = 2 * (1.2 - 0.6 * Math.log1p(usage) + (plan === 'Basic' ? 1.2 : plan === 'Pro' ? 0 : -0.8) - 0.01 * seats)
    const churned = rng() < 1 / (1 + Math.exp(-z))
    const city = `City ${Math.floor(rng() * 500)}`
    const usageCell = rng() < 0.08 ? '' : String(usage)
    const split = index % 4 === 0 ? (index % 8 === 0 ? 'TEST' : 'Test') : index % 3 === 0 ? 'Train' : 'train'
    lines.push(`C-${String(index).padStart(5, '0')},${usageCell},${plan},${city},"said ""hi"", call ${index}",${seats},${churned ? 'True' : 'False'},${split}`)
  }
  return `${lines.join('\n')}\n`
}
