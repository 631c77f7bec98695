-- Likes on posts, and a denormalised counter. (The local types were not
-- regenerated after this migration: pgdrift check reports them as stale.)
create table public.post_likes (
  post_id bigint not null references public.posts (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (post_id, user_id)
);

alter table public.posts add column like_count integer not null default 0;

alter table public.post_likes enable row level security;
