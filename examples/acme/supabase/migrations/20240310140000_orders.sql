-- Orders with a status enum and money kept as numeric.
create type public.order_status as enum ('pending', 'paid', 'shipped', 'cancelled');

create table public.orders (
  id uuid primary key default extensions.uuid_generate_v4(),
  team_id bigint not null references public.teams (id),
  placed_by uuid references public.profiles (id) on delete set null,
  status public.order_status not null default 'pending',
  total numeric(12, 2) not null check (total >= 0),
  currency char(3) not null default 'EUR',
  metadata jsonb,
  placed_at timestamptz not null default now()
);

alter table public.orders enable row level security;

comment on column public.orders.total is 'Order total in the currency''s major unit.';

alter publication supabase_realtime add table public.orders;
