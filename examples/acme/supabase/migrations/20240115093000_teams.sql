-- Teams and memberships (composite primary key).
create type public.team_role as enum ('owner', 'editor', 'viewer');

create table public.teams (
  id bigint generated always as identity primary key,
  slug text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

create table public.memberships (
  team_id bigint not null references public.teams (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.team_role not null default 'viewer',
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

alter table public.teams enable row level security;
alter table public.memberships enable row level security;

create policy "Members read their teams" on public.teams
  for select to authenticated
  using (exists (select 1 from public.memberships m where m.team_id = id and m.user_id = auth.uid()));

create function public.is_team_member(p_team_id bigint)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.memberships
    where team_id = p_team_id and user_id = auth.uid()
  );
$$;
