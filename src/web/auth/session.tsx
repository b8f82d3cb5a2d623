/** The signed-in user, workspace and permissions, available to every page under RequireAuth. */
import { createContext, useContext, useMemo, type ReactNode } from 'react'
import type { Me, Permission } from '../api/types'

export type Session = Me & {
  can: (permission: Permission) => boolean
}

const SessionContext = createContext<Session | null>(null)

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const value = useMemo<Session>(() => {
    const granted = new Set(me.permissions)
    return { ...me, can: (permission) => granted.has(permission) }
  }, [me])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession must be used under <RequireAuth>')
  return session
}

export function useCan(permission: Permission): boolean {
  return useSession().can(permission)
}

/** Renders children only when the user holds the permission (else the optional fallback). */
export function Can({
  permission,
  children,
  fallback = null,
}: {
  permission: Permission
  children: ReactNode
  fallback?: ReactNode
}) {
  return useCan(permission) ? <>{children}</> : <>{fallback}</>
}
