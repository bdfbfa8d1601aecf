import { component$ } from '@builder.io/qwik'
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city'
import { ProfilePosts, profileTimeline } from '../../../components/profile-posts'
import { profileHead } from '../../../components/profile'
import { useProfile } from '../layout'

export const usePosts = routeLoader$(async (ev) => profileTimeline(ev, await ev.resolveValue(useProfile), 'with_replies'))

export default component$(() => {
  const profile = useProfile()
  const posts = usePosts()
  const loc = useLocation()
  return <ProfilePosts profile={profile.value} page={posts.value} path={loc.url.pathname} />
})

export const head: DocumentHead = ({ resolveValue }) => profileHead(resolveValue(useProfile), 'Posts and replies: ')
